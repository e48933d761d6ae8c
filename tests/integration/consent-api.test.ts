import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import { contactByPhone } from '../helpers/sending.js'
import { apiValidatorFor } from '../helpers/openapi-schemas.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Consent API')
})
afterAll(() => t.close())

function expectSchema(name: string, body: unknown) {
  expect(apiValidatorFor(name)(body)).toEqual([])
}

function call(method: string, path: string, key: string, body?: string) {
  return t.app.request(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body }),
  })
}

async function newContact() {
  const phone = randomPhone()
  await receive(t, inboundMessage(ws.phoneNumberId, { from: phone, text: 'Hello' }))
  return contactByPhone(t, ws.workspaceId, phone)
}

async function problemCode(response: Response) {
  const body = (await response.json()) as { code: string }
  expectSchema('Problem', body)
  return [response.status, body.code]
}

describe('POST /api/v1/contacts/{id}/opt-out and opt-in', () => {
  it('lets any role opt a contact out, logged with the key and the reason', async () => {
    const contact = await newContact()
    const body = JSON.stringify({ reason: 'Asked on the phone' })
    const response = await call('POST', `/contacts/${contact.id}/opt-out`, ws.keys.sales, body)
    expect(response.status).toBe(200)
    const result = (await response.json()) as { consent: { state: string } }
    expectSchema('ConsentResult', result)
    expect(result.consent.state).toBe('opted_out')
    const shown = await call('GET', `/contacts/${contact.id}`, ws.keys.sales)
    const shownBody = (await shown.json()) as { consent: { state: string; marketing: string } }
    expectSchema('Contact', shownBody)
    expect(shownBody.consent).toMatchObject({ state: 'opted_out', marketing: 'allowed' })
    const log = await call('GET', '/opt-outs?method=api', ws.keys.admin)
    const page = (await log.json()) as { data: { contact: { id: string } | null }[] }
    expectSchema('ConsentLogPage', page)
    const entry = page.data.find((e) => e.contact?.id === contact.id)
    expect(entry).toMatchObject({
      method: 'api',
      reason: 'Asked on the phone',
      actor: { type: 'api_key', name: 'sales key' },
      previousState: 'subscribed',
      newState: 'opted_out',
    })
  })

  it('opts marketing out alone when asked, with an empty body meaning all messages', async () => {
    const contact = await newContact()
    const marketing = JSON.stringify({ scope: 'marketing' })
    const first = await call('POST', `/contacts/${contact.id}/opt-out`, ws.keys.manager, marketing)
    expect(((await first.json()) as { consent: unknown }).consent).toMatchObject({
      state: 'subscribed',
      marketing: 'stopped',
    })
    const response = await call('POST', `/contacts/${contact.id}/opt-out`, ws.keys.sales)
    const { consent } = (await response.json()) as { consent: { state: string; marketing: string } }
    expect(consent).toMatchObject({ state: 'opted_out', marketing: 'stopped' })
  })

  it('lets only admins and owners opt back in, and only with a reason', async () => {
    const contact = await newContact()
    await call('POST', `/contacts/${contact.id}/opt-out`, ws.keys.sales)
    const path = `/contacts/${contact.id}/opt-in`
    const reason = JSON.stringify({ reason: 'Signed the paper form again' })
    expect(await problemCode(await call('POST', path, ws.keys.sales, reason))).toEqual([
      403,
      'forbidden',
    ])
    expect(await problemCode(await call('POST', path, ws.keys.manager, reason))).toEqual([
      403,
      'forbidden',
    ])
    expect(await problemCode(await call('POST', path, ws.keys.admin, '{}'))).toEqual([
      422,
      'validation_failed',
    ])
    expect(await problemCode(await call('POST', path, ws.keys.admin, '{"reason": "  "}'))).toEqual([
      422,
      'validation_failed',
    ])
    expect((await contactByPhone(t, ws.workspaceId, await phoneOf(contact.id))).consentState).toBe(
      'opted_out',
    )
    const response = await call('POST', path, ws.keys.owner, reason)
    expect(((await response.json()) as { consent: { state: string } }).consent.state).toBe(
      'subscribed',
    )
  })

  it('refuses bad bodies, unknown contacts and other workspaces', async () => {
    const contact = await newContact()
    const path = `/contacts/${contact.id}/opt-out`
    expect(await problemCode(await call('POST', path, ws.keys.sales, '{"reason": '))).toEqual([
      400,
      'malformed_payload',
    ])
    expect(await problemCode(await call('POST', path, ws.keys.sales, '{"why": "x"}'))).toEqual([
      422,
      'validation_failed',
    ])
    expect(
      await problemCode(
        await call('POST', path, ws.keys.sales, JSON.stringify({ reason: 'x'.repeat(501) })),
      ),
    ).toEqual([422, 'validation_failed'])
    expect(await problemCode(await call('POST', '/contacts/nope/opt-out', ws.keys.sales))).toEqual([
      404,
      'not_found',
    ])
    const other = await seedWorkspace(t.deps, 'Elsewhere')
    expect(await problemCode(await call('POST', path, other.keys.owner))).toEqual([
      404,
      'not_found',
    ])
    expect((await contactByPhone(t, ws.workspaceId, await phoneOf(contact.id))).consentState).toBe(
      'subscribed',
    )
  })
})

describe('GET /api/v1/opt-outs', () => {
  it('is for admins and owners, filters by time and method, and pages', async () => {
    const contact = await newContact()
    await receive(
      t,
      inboundMessage(ws.phoneNumberId, {
        from: (await phoneOf(contact.id)).slice(1),
        text: 'STOP',
      }),
    )
    expect(await problemCode(await call('GET', '/opt-outs', ws.keys.sales))).toEqual([
      403,
      'forbidden',
    ])
    expect(await problemCode(await call('GET', '/opt-outs?method=sms', ws.keys.admin))).toEqual([
      422,
      'validation_failed',
    ])
    expect(await problemCode(await call('GET', '/opt-outs?from=yesterday', ws.keys.admin))).toEqual(
      [422, 'validation_failed'],
    )
    const today = new Date().toISOString().slice(0, 10)
    const inRange = await call(
      'GET',
      `/opt-outs?from=${today}&to=${today}&method=keyword`,
      ws.keys.admin,
    )
    const page = (await inRange.json()) as {
      data: { contact: { id: string } | null; method: string }[]
    }
    expect(page.data.some((e) => e.contact?.id === contact.id)).toBe(true)
    expect(page.data.every((e) => e.method === 'keyword')).toBe(true)
    const before = await call('GET', '/opt-outs?to=2020-01-01', ws.keys.admin)
    expect(((await before.json()) as { data: unknown[] }).data).toEqual([])
    const first = (await (await call('GET', '/opt-outs?limit=1', ws.keys.admin)).json()) as {
      data: { id: string }[]
      nextCursor: string | null
    }
    expect(first.data).toHaveLength(1)
    expect(first.nextCursor).not.toBeNull()
    const second = (await (
      await call('GET', `/opt-outs?limit=1&cursor=${first.nextCursor ?? ''}`, ws.keys.admin)
    ).json()) as { data: { id: string }[] }
    expect(second.data[0]?.id).not.toBe(first.data[0]?.id)
  })
})

async function phoneOf(contactId: string) {
  const response = await call('GET', `/contacts/${contactId}`, ws.keys.owner)
  return ((await response.json()) as { phone: string }).phone
}
