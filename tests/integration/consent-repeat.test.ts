import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { signedIn } from '../helpers/console-session.js'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import { contactByPhone } from '../helpers/sending.js'
import { withTenant } from '../../src/db/tenant.js'
import { auditEntries, consentEvents } from '../../src/db/schema.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Consent repeat')
})
afterAll(() => t.close())

async function newContact() {
  const phone = randomPhone()
  await receive(t, inboundMessage(ws.phoneNumberId, { from: phone, text: 'Hello' }))
  return (await contactByPhone(t, ws.workspaceId, phone)).id
}

/** How many consent log entries and audit entries the contact has. */
async function writtenFor(contactId: string) {
  return withTenant(t.deps.db, ws.workspaceId, async (tx) => ({
    log: (await tx.select().from(consentEvents).where(eq(consentEvents.contactId, contactId)))
      .length,
    audit: (
      await tx
        .select()
        .from(auditEntries)
        .where(and(eq(auditEntries.recordType, 'contact'), eq(auditEntries.recordId, contactId)))
    ).length,
  }))
}

function api(path: string, key: string, body: unknown = {}) {
  return t.app.request(`/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

describe('a consent change repeated by API', () => {
  it('answers the consent again and writes no second log or audit entry', async () => {
    const id = await newContact()
    expect((await api(`/contacts/${id}/opt-out`, ws.keys.sales)).status).toBe(200)
    const again = await api(`/contacts/${id}/opt-out`, ws.keys.sales)
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ consent: { state: 'opted_out' } })
    expect(await writtenFor(id)).toEqual({ log: 1, audit: 1 })
    const optIn = { reason: 'Asked again', scope: 'messaging' }
    expect((await api(`/contacts/${id}/opt-in`, ws.keys.admin, optIn)).status).toBe(200)
    expect((await api(`/contacts/${id}/opt-in`, ws.keys.admin, optIn)).status).toBe(200)
    expect(await writtenFor(id)).toEqual({ log: 2, audit: 2 })
  })
})

/** The values a select of the page offers. */
function optionsOf(html: string, selectId: string): string[] {
  const select = new RegExp(`<select id="${selectId}"[^>]*>([^]*?)</select>`).exec(html)?.[1] ?? ''
  return [...select.matchAll(/<option value="(\w+)"/g)].map((match) => match[1] ?? '')
}

describe('the consent controls on the contact page', () => {
  it('offers only the changes that apply to the contact', async () => {
    const id = await newContact()
    const owner = await signedIn(t.app, ws.users.owner)
    const subscribed = await (await owner.get(`/contacts/${id}`)).text()
    expect(subscribed).toContain('>Opt out</button>')
    expect(subscribed).not.toContain('>Opt back in</button>')
    await owner.post(`/contacts/${id}/opt-out`, { scope: 'messaging' })
    const optedOut = await (await owner.get(`/contacts/${id}`)).text()
    expect(optedOut).toContain('>Opt back in</button>')
    // Marketing can still be stopped; all messages cannot be stopped twice.
    expect(optionsOf(optedOut, 'out-scope')).toEqual(['marketing'])
    expect(optionsOf(optedOut, 'in-scope')).toEqual(['messaging'])
  })

  it('writes nothing when an opt-out is sent again from the console', async () => {
    const id = await newContact()
    const owner = await signedIn(t.app, ws.users.owner)
    await owner.post(`/contacts/${id}/opt-out`, { scope: 'messaging' })
    const again = await owner.post(
      `/contacts/${id}/opt-out`,
      { scope: 'messaging' },
      { htmx: true },
    )
    expect(again.status).toBe(200)
    expect(await again.text()).not.toContain('opted out → opted out')
    expect(await writtenFor(id)).toEqual({ log: 1, audit: 1 })
  })

  it('updates the contact card with the consent panel after opting back in', async () => {
    const id = await newContact()
    const owner = await signedIn(t.app, ws.users.owner)
    await owner.post(`/contacts/${id}/opt-out`, { scope: 'messaging' })
    const response = await owner.post(
      `/contacts/${id}/opt-in`,
      { scope: 'messaging', reason: 'Asked to hear from us again' },
      { htmx: true },
    )
    const html = await response.text()
    const card = /<section id="profile-panel"[^>]*>[^]*?<\/section>/.exec(html)?.[0] ?? ''
    expect(card).toContain('hx-swap-oob="true"')
    expect(card).toContain('Subscribed')
    expect(card).not.toContain('Opted out')
  })
})
