import { describe, expect, it } from 'vitest'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import { contactByPhone, dispatchFor, useSendingSuite } from '../helpers/sending.js'
import { signedIn } from '../helpers/console-session.js'

const suite = useSendingSuite('API validation')

async function contactWhoWrote() {
  const phone = randomPhone()
  await receive(suite.t, inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'Hello' }))
  const contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
  return { phone, id: contact.id }
}

function postMessage(contactId: string, body: unknown, headers: Record<string, string> = {}) {
  return suite.t.app.request(`/api/v1/contacts/${contactId}/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${suite.ws.keys.sales}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify(body),
  })
}

async function problemOf(response: Response) {
  return (await response.json()) as { code: string; detail?: string }
}

describe('POST /api/v1/contacts/{id}/messages names the field and the rule', () => {
  it.each([
    ['an empty text', { text: '' }, /text.*empty/i],
    ['a text that is not a string', { text: 42 }, /text.*must be a string/i],
    ['text and template together', { text: 'hi', template: { name: 'a' } }, /text or template/i],
    ['an array body', [{ text: 'hi' }], /body must be a JSON object/i],
    ['5 000 characters', { text: 'x'.repeat(5000) }, /text.*at most 4096 characters/i],
    ['neither text nor template', { previewUrl: true }, /needs text or template/i],
    ['an unknown field', { text: 'hi', colour: 'red' }, /colour.*not a known field/i],
    ['a template without a name', { template: { language: 'en_US' } }, /template\.name/i],
  ])('refuses %s with 422 and says why', async (_, body, detail) => {
    const contact = await contactWhoWrote()
    const response = await postMessage(contact.id, body)
    expect(response.status).toBe(422)
    const problem = await problemOf(response)
    expect(problem.code).toBe('validation_failed')
    expect(problem.detail).toMatch(detail)
  })

  it('accepts exactly 4096 characters', async () => {
    const contact = await contactWhoWrote()
    expect((await postMessage(contact.id, { text: 'x'.repeat(4096) })).status).toBe(202)
  })
})

describe('an Idempotency-Key used again', () => {
  it('answers the first send again for the same body', async () => {
    const contact = await contactWhoWrote()
    const headers = { 'idempotency-key': `same-${contact.id}` }
    const first = await problemOf(await postMessage(contact.id, { text: 'Once' }, headers))
    const again = await postMessage(contact.id, { text: 'Once' }, headers)
    expect(again.status).toBe(202)
    expect(await again.json()).toEqual(first)
  })

  it('refuses another body under the same key with 422 idempotency_key_reused', async () => {
    const contact = await contactWhoWrote()
    const headers = { 'idempotency-key': `changed-${contact.id}` }
    expect((await postMessage(contact.id, { text: 'Table for two' }, headers)).status).toBe(202)
    const changed = await postMessage(contact.id, { text: 'Table for four' }, headers)
    expect(changed.status).toBe(422)
    expect((await problemOf(changed)).code).toBe('idempotency_key_reused')
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId)
    const reached = suite.meta.sendsTo(`+${contact.phone}`).map((s) => s.body.text?.body)
    expect(reached).toEqual(['Table for two'])
  })
})

describe('a reversed from/to', () => {
  it('is 422 on the consent log API', async () => {
    const response = await suite.t.app.request('/api/v1/opt-outs?from=2026-11-20&to=2026-11-01', {
      headers: { authorization: `Bearer ${suite.ws.keys.admin}` },
    })
    expect(response.status).toBe(422)
    expect(await problemOf(response)).toMatchObject({
      code: 'validation_failed',
      detail: expect.stringMatching(/from.*after.*to/i) as unknown,
    })
  })

  it('is 422 with the reason on the audit log page', async () => {
    const admin = await signedIn(suite.t.app, suite.ws.users.admin)
    const response = await admin.get('/audit?from=2026-11-20&to=2026-11-01')
    expect(response.status).toBe(422)
    expect(await response.text()).toMatch(/from.*after.*to/i)
  })

  it('still accepts the same day as both bounds', async () => {
    const response = await suite.t.app.request('/api/v1/opt-outs?from=2026-11-20&to=2026-11-20', {
      headers: { authorization: `Bearer ${suite.ws.keys.admin}` },
    })
    expect(response.status).toBe(200)
  })
})
