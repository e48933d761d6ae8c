import { beforeAll, describe, expect, it } from 'vitest'
import { seedWorkspace } from '../helpers/workspace.js'
import { envelope, inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import {
  contactByPhone,
  dispatchFor,
  sendsOf,
  setLastInbound,
  useSendingSuite,
} from '../helpers/sending.js'
import { apiValidatorFor } from '../helpers/openapi-schemas.js'
import { metaTemplate, syncTemplatesInto } from '../helpers/templates.js'

const suite = useSendingSuite('Sends')

beforeAll(async () => {
  await syncTemplatesInto(suite, suite.ws.workspaceId, [
    metaTemplate('table_reminder'),
    metaTemplate('spring_promo', { language: 'pt_BR', category: 'MARKETING' }),
    metaTemplate('pending_offer', { status: 'PENDING' }),
    metaTemplate('rejected_offer', { status: 'REJECTED', category: 'MARKETING' }),
  ])
})

type Workspace = typeof suite.ws

/** A contact who just wrote, so the 24-hour window is open. */
async function contactWhoWrote(workspace: Workspace = suite.ws) {
  const phone = randomPhone()
  await receive(suite.t, inboundMessage(workspace.phoneNumberId, { from: phone, text: 'Hi there' }))
  const contact = await contactByPhone(suite.t, workspace.workspaceId, phone)
  return { phone, id: contact.id }
}

function post(
  path: string,
  body: unknown,
  key = suite.ws.keys.sales,
  headers: Record<string, string> = {},
) {
  return suite.t.app.request(`/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

/** The contact stops marketing messages in WhatsApp (Meta's user_preferences webhook). */
function stopMarketing(phone: string) {
  return receive(
    suite.t,
    envelope(suite.ws.phoneNumberId, {
      user_preferences: [
        {
          wa_id: phone,
          category: 'marketing_messages',
          value: 'stop',
          timestamp: Math.floor(Date.now() / 1000),
        },
      ],
    }),
  )
}

const sendTemplate = (contactId: string, template: Record<string, unknown>) =>
  post(`/contacts/${contactId}/messages`, { template })

const sendText = (contactId: string, text = 'Your table is booked', headers = {}) =>
  post(`/contacts/${contactId}/messages`, { text }, suite.ws.keys.sales, headers)

describe('POST /api/v1/contacts/{id}/messages', () => {
  it('queues a reply, sends it through Meta and records the message Meta accepted', async () => {
    const contact = await contactWhoWrote()
    const response = await sendText(contact.id)
    expect(response.status).toBe(202)
    const queued = (await response.json()) as { id: string; status: string }
    expect(queued.status).toBe('queued')
    expect(apiValidatorFor('SendAccepted')(queued)).toEqual([])
    expect(suite.t.jobs.payloadsOf('outbound.dispatch').length).toBeGreaterThan(0)
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId)
    const [sent] = suite.meta.sendsTo(`+${contact.phone}`)
    expect(sent?.body).toMatchObject({
      type: 'text',
      text: { body: 'Your table is booked' },
      biz_opaque_callback_data: queued.id,
    })
    const send = (await sendsOf(suite.t, suite.ws.workspaceId)).find((s) => s.id === queued.id)
    expect(send).toMatchObject({ state: 'sent', wamid: sent?.wamid, attempts: 1 })
    const thread = await suite.t.app.request(`/api/v1/contacts/${contact.id}/messages`, {
      headers: { authorization: `Bearer ${suite.ws.keys.sales}` },
    })
    const { data } = (await thread.json()) as {
      data: { wamid: string; direction: string; text: string; status: string }[]
    }
    expect(data.at(-1)).toMatchObject({
      wamid: sent?.wamid,
      direction: 'outbound',
      text: 'Your table is booked',
      status: 'accepted',
    })
  })

  it('sends once for the same Idempotency-Key and refuses the key for another contact', async () => {
    const contact = await contactWhoWrote()
    const headers = { 'idempotency-key': `booking-${contact.id}` }
    const first = (await (await sendText(contact.id, 'Once', headers)).json()) as { id: string }
    const again = await sendText(contact.id, 'Once', headers)
    expect(again.status).toBe(202)
    expect(((await again.json()) as { id: string }).id).toBe(first.id)
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId)
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId)
    expect(suite.meta.sendsTo(`+${contact.phone}`)).toHaveLength(1)
    const other = await contactWhoWrote()
    expect((await sendText(other.id, 'Once', headers)).status).toBe(422)
  })

  it('refuses an opted-out contact with 409 contact_opted_out and nothing reaches Meta', async () => {
    const contact = await contactWhoWrote()
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: contact.phone, text: 'STOP' }),
    )
    const response = await sendText(contact.id)
    expect(response.status).toBe(409)
    const body = (await response.json()) as { code: string }
    expect(body.code).toBe('contact_opted_out')
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(apiValidatorFor('Problem')(body)).toEqual([])
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId)
    const reached = suite.meta.sendsTo(`+${contact.phone}`).map((s) => s.body.text?.body)
    expect(reached).toHaveLength(1)
    expect(reached[0]).toMatch(/unsubscribed/)
  })

  it('needs a template outside the 24-hour window, and marketing needs marketing consent', async () => {
    const contact = await contactWhoWrote()
    await setLastInbound(
      suite.t,
      suite.ws.workspaceId,
      contact.id,
      new Date(Date.now() - 25 * 3600_000),
    )
    const text = await sendText(contact.id)
    expect(text.status).toBe(422)
    expect(((await text.json()) as { code: string }).code).toBe('outside_service_window')
    const template = { name: 'table_reminder', language: 'en_US', category: 'utility' }
    expect((await post(`/contacts/${contact.id}/messages`, { template })).status).toBe(202)
    await stopMarketing(contact.phone)
    const promo = { template: { name: 'spring_promo', language: 'pt_BR' } }
    const refused = await post(`/contacts/${contact.id}/messages`, promo)
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as { code: string }).code).toBe('marketing_opted_out')
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId)
    expect(suite.meta.sendsTo(`+${contact.phone}`).map((s) => s.body.template?.name)).toEqual([
      'table_reminder',
    ])
  })

  it('answers bad bodies, unknown contacts and other tenants clearly', async () => {
    const contact = await contactWhoWrote()
    expect((await post(`/contacts/${contact.id}/messages`, { text: '' })).status).toBe(422)
    expect(
      (await post(`/contacts/${contact.id}/messages`, { text: 'a', template: {} })).status,
    ).toBe(422)
    expect(
      (await post(`/contacts/${contact.id}/messages`, { text: 'x'.repeat(4097) })).status,
    ).toBe(422)
    expect((await post('/contacts/not-a-uuid/messages', { text: 'hi' })).status).toBe(404)
    const other = await seedWorkspace(suite.t.deps, 'Other')
    expect(
      (await post(`/contacts/${contact.id}/messages`, { text: 'hi' }, other.keys.owner)).status,
    ).toBe(404)
    const malformed = await suite.t.app.request(`/api/v1/contacts/${contact.id}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${suite.ws.keys.sales}`,
        'content-type': 'application/json',
      },
      body: '{"text": ',
    })
    expect(malformed.status).toBe(400)
  })
})

describe("a template's category comes from the workspace's synced template", () => {
  it('refuses a marketing template declared utility to a contact who stopped marketing', async () => {
    const contact = await contactWhoWrote()
    await stopMarketing(contact.phone)
    const lie = { name: 'spring_promo', language: 'pt_BR', category: 'utility' }
    const response = await sendTemplate(contact.id, lie)
    expect(response.status).toBe(409)
    expect(((await response.json()) as { code: string }).code).toBe('marketing_opted_out')
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId)
    expect(suite.meta.sendsTo(`+${contact.phone}`)).toEqual([])
  })

  it('ignores a declared category either way: the send keeps the template’s own', async () => {
    const contact = await contactWhoWrote()
    const promo = await sendTemplate(contact.id, {
      name: 'spring_promo',
      language: 'pt_BR',
      category: 'utility',
    })
    expect(promo.status).toBe(202)
    await stopMarketing(contact.phone)
    // Declared marketing, but the synced template is utility: a stopped contact still gets it.
    const reminder = await sendTemplate(contact.id, {
      name: 'table_reminder',
      language: 'en_US',
      category: 'marketing',
    })
    expect(reminder.status).toBe(202)
    const ids = await Promise.all(
      [promo, reminder].map(async (r) => (await r.json()) as { id: string }),
    )
    const rows = await sendsOf(suite.t, suite.ws.workspaceId)
    expect(ids.map(({ id }) => rows.find((row) => row.id === id)?.category)).toEqual([
      'marketing',
      'utility',
    ])
  })

  it('refuses a template the workspace does not have, or not in that language, with 422 template_not_found', async () => {
    const contact = await contactWhoWrote()
    for (const template of [
      { name: 'no_such_template', language: 'en_US' },
      { name: 'spring_promo', language: 'en_US' },
    ]) {
      const response = await sendTemplate(contact.id, template)
      expect(response.status).toBe(422)
      const problem = (await response.json()) as { code: string; detail: string }
      expect(problem.code).toBe('template_not_found')
      expect(apiValidatorFor('Problem')(problem)).toEqual([])
      expect(problem.detail).toContain(`${template.name} (${template.language})`)
    }
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId)
    expect(suite.meta.sendsTo(`+${contact.phone}`)).toEqual([])
  })

  it('refuses a pending or rejected template with 422 template_not_approved', async () => {
    const contact = await contactWhoWrote()
    for (const name of ['pending_offer', 'rejected_offer']) {
      const response = await sendTemplate(contact.id, { name, language: 'en_US' })
      expect(response.status).toBe(422)
      const problem = (await response.json()) as { code: string; detail: string }
      expect(problem.code).toBe('template_not_approved')
      expect(problem.detail).toMatch(/PENDING|REJECTED/)
    }
    expect(await sendsOf(suite.t, suite.ws.workspaceId)).not.toContainEqual(
      expect.objectContaining({ contactId: contact.id }),
    )
  })

  it("does not find another workspace's template", async () => {
    const other = await seedWorkspace(suite.t.deps, 'Other templates')
    await syncTemplatesInto(suite, other.workspaceId, [metaTemplate('their_reminder')])
    const contact = await contactWhoWrote()
    const response = await sendTemplate(contact.id, { name: 'their_reminder', language: 'en_US' })
    expect(response.status).toBe(422)
    expect(((await response.json()) as { code: string }).code).toBe('template_not_found')
  })
})

describe('the gate before the call', () => {
  it('skips a queued send when a STOP commits before the call', async () => {
    const contact = await contactWhoWrote()
    const queued = (await (await sendText(contact.id)).json()) as { id: string }
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: contact.phone, text: 'stop' }),
    )
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId)
    const send = (await sendsOf(suite.t, suite.ws.workspaceId)).find((s) => s.id === queued.id)
    expect(send).toMatchObject({ state: 'skipped', skipReason: 'contact_opted_out' })
    expect(suite.meta.sendsTo(`+${contact.phone}`).map((s) => s.body.text?.body)).not.toContain(
      'Your table is booked',
    )
  })

  it('makes a STOP wait until a call already under way has ended', async () => {
    const contact = await contactWhoWrote()
    await sendText(contact.id, 'In flight')
    suite.meta.sendDelayMs = 500
    try {
      const dispatching = dispatchFor(suite.jobDeps, suite.ws.workspaceId)
      while (suite.meta.sendsTo(`+${contact.phone}`).length === 0)
        await new Promise((r) => setTimeout(r, 10))
      const arrived = suite.meta.sendsTo(`+${contact.phone}`)[0]?.at ?? 0
      await receive(
        suite.t,
        inboundMessage(suite.ws.phoneNumberId, { from: contact.phone, text: 'stop' }),
      )
      // The STOP was applied only after Meta answered the send that had already passed the gate.
      expect(Date.now()).toBeGreaterThanOrEqual(arrived + 450)
      await dispatching
    } finally {
      suite.meta.sendDelayMs = 0
    }
    expect((await contactByPhone(suite.t, suite.ws.workspaceId, contact.phone)).consentState).toBe(
      'opted_out',
    )
  })
})
