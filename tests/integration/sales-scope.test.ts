import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { withTenant } from '../../src/db/tenant.js'
import {
  auditEntries,
  contactLabels,
  contactNotes,
  contacts,
  conversations,
  messages,
} from '../../src/db/schema.js'
import type { Role } from '../../src/db/schema.js'
import { signedIn } from '../helpers/console-session.js'
import { contactByPhone, setWorkspaceSettings, useSendingSuite } from '../helpers/sending.js'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'

const suite = useSendingSuite('Sales scope')

function as(role: Role) {
  return signedIn(suite.t.app, suite.ws.users[role])
}

function api(key: string, path: string, init: RequestInit = {}) {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
  return suite.t.app.request(`/api/v1${path}`, { ...init, headers })
}

function tenant<T>(work: Parameters<typeof withTenant<T>>[2]) {
  return withTenant(suite.t.deps.db, suite.ws.workspaceId, work)
}

/** A contact writes in and its conversation goes to `assignee` (null: nobody); a stored image. */
async function contactOf(assignee: Role | null) {
  const phone = randomPhone()
  await receive(suite.t, inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'hello' }))
  const contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
  const assigneeId = assignee ? suite.ws.users[assignee].id : null
  const [message] = await tenant(async (tx) => {
    await tx
      .update(conversations)
      .set({ assigneeId })
      .where(eq(conversations.contactId, contact.id))
    return tx.select().from(messages).where(eq(messages.contactId, contact.id))
  })
  if (!message) throw new Error('no message')
  const mediaPath = join('media', suite.ws.workspaceId, message.id)
  mkdirSync(join(suite.t.deps.dataDir, 'media', suite.ws.workspaceId), { recursive: true })
  writeFileSync(join(suite.t.deps.dataDir, mediaPath), 'jpeg')
  await tenant((tx) =>
    tx
      .update(messages)
      .set({ mediaState: 'stored', mediaPath, mediaMimeType: 'image/jpeg' })
      .where(eq(messages.id, message.id)),
  )
  return { phone: `+${phone}`, contactId: contact.id, messageId: message.id }
}

describe('what a sales user may see of contacts', () => {
  it('refuses another agent’s contact page, its forms and its media, and changes nothing', async () => {
    const theirs = await contactOf('manager')
    const sales = await as('sales')
    const base = `/contacts/${theirs.contactId}`
    expect((await sales.get(base)).status).toBe(403)
    expect((await sales.get(`${base}/profile`, { 'hx-request': 'true' })).status).toBe(403)
    expect((await sales.post(`${base}/notes`, { body: 'sneaky' })).status).toBe(403)
    expect((await sales.post(`${base}/name`, { name: 'Renamed' })).status).toBe(403)
    expect((await sales.post(`${base}/labels`, { label: 'vip' })).status).toBe(403)
    expect((await sales.post(`${base}/opt-out`, { scope: 'messaging' })).status).toBe(403)
    expect((await sales.get(`/media/${theirs.messageId}`)).status).toBe(403)
    const [contact] = await tenant((tx) =>
      tx.select().from(contacts).where(eq(contacts.id, theirs.contactId)),
    )
    expect(contact).toMatchObject({ customName: null, consentState: 'subscribed' })
    const notes = await tenant((tx) =>
      tx.select().from(contactNotes).where(eq(contactNotes.contactId, theirs.contactId)),
    )
    const labels = await tenant((tx) =>
      tx.select().from(contactLabels).where(eq(contactLabels.contactId, theirs.contactId)),
    )
    expect([notes, labels]).toEqual([[], []])
  })

  it('lets sales open their own and unassigned contacts, and managers any', async () => {
    const mine = await contactOf('sales')
    const nobodys = await contactOf(null)
    const theirs = await contactOf('sales')
    await tenant((tx) =>
      tx
        .update(conversations)
        .set({ assigneeId: suite.ws.users.admin.id })
        .where(eq(conversations.contactId, theirs.contactId)),
    )
    const sales = await as('sales')
    for (const contact of [mine, nobodys]) {
      expect((await sales.get(`/contacts/${contact.contactId}`)).status).toBe(200)
      expect((await sales.get(`/media/${contact.messageId}`)).status).toBe(200)
    }
    const manager = await as('manager')
    expect((await manager.get(`/contacts/${theirs.contactId}`)).status).toBe(200)
    expect((await manager.get(`/media/${theirs.messageId}`)).status).toBe(200)
  })

  it('lists and finds only the contacts of their scope', async () => {
    const theirs = await contactOf('manager')
    const sales = await as('sales')
    const byNumber = await sales.get(`/contacts?phone=${encodeURIComponent(theirs.phone)}`)
    expect(await byNumber.text()).not.toContain(theirs.contactId)
    const list = await (await sales.get('/contacts')).text()
    expect(list).not.toContain(theirs.contactId)
    const manager = await (
      await as('manager')
    ).get(`/contacts?phone=${encodeURIComponent(theirs.phone)}`)
    expect(await manager.text()).toContain(theirs.contactId)
  })
})

describe('what a sales API key may see', () => {
  it('refuses assigned contacts, their messages, media and consent changes', async () => {
    const theirs = await contactOf('manager')
    const key = suite.ws.keys.sales
    const base = `/contacts/${theirs.contactId}`
    expect((await api(key, base)).status).toBe(403)
    expect((await api(key, `${base}/messages`)).status).toBe(403)
    expect((await api(key, `/media/${theirs.messageId}`)).status).toBe(403)
    const optOut = await api(key, `${base}/opt-out`, { method: 'POST', body: '{}' })
    expect(optOut.status).toBe(403)
    expect(await optOut.json()).toMatchObject({ code: 'forbidden' })
    const list = (await (await api(key, '/contacts?limit=200')).json()) as {
      data: { id: string }[]
    }
    expect(list.data.map((c) => c.id)).not.toContain(theirs.contactId)
    expect((await api(suite.ws.keys.manager, base)).status).toBe(200)
  })

  it('masks numbers when the workspace masks them for sales', async () => {
    const nobodys = await contactOf(null)
    await setWorkspaceSettings(suite.t, suite.ws.workspaceId, {
      inbox: { maskPhonesForSales: true },
    })
    try {
      const shown = await (await api(suite.ws.keys.sales, `/contacts/${nobodys.contactId}`)).text()
      expect(shown).not.toContain(nobodys.phone)
      expect(shown).toContain(`•••• ${nobodys.phone.slice(-5)}`)
      const listed = await (await api(suite.ws.keys.sales, '/contacts?limit=200')).text()
      expect(listed).not.toContain(nobodys.phone)
      const manager = await (
        await api(suite.ws.keys.manager, `/contacts/${nobodys.contactId}`)
      ).text()
      expect(manager).toContain(nobodys.phone)
    } finally {
      await setWorkspaceSettings(suite.t, suite.ws.workspaceId, {
        inbox: { maskPhonesForSales: false },
      })
    }
  })
})

describe('number searches by sales', () => {
  const searchFor = (phone: string) => `/contacts?phone=${encodeURIComponent(phone)}`

  it('audits each number and answers 429 rate_limited past 30 different ones a minute', async () => {
    const nobodys = await contactOf(null)
    const numbers = [nobodys.phone, ...Array.from({ length: 29 }, () => `+${randomPhone()}`)]
    for (const phone of numbers) {
      expect((await api(suite.ws.keys.sales, searchFor(phone))).status).toBe(200)
    }
    const refused = await api(suite.ws.keys.sales, searchFor(`+${randomPhone()}`))
    expect(refused.status).toBe(429)
    expect(await refused.json()).toMatchObject({ code: 'rate_limited' })
    // The same number again (a list refreshing itself) is neither a new search nor refused.
    expect((await api(suite.ws.keys.sales, searchFor(nobodys.phone))).status).toBe(200)
    const audited = await tenant((tx) =>
      tx
        .select()
        .from(auditEntries)
        .where(
          and(
            eq(auditEntries.action, 'contact.number_search'),
            eq(auditEntries.actorType, 'api_key'),
          ),
        ),
    )
    expect(audited).toHaveLength(30)
    expect(JSON.stringify(audited)).not.toContain(nobodys.phone)
    // A manager's searches are neither limited nor audited.
    expect((await api(suite.ws.keys.manager, searchFor(nobodys.phone))).status).toBe(200)
  })

  it('tells a sales user in the console to wait, in words, on contacts and in the inbox', async () => {
    const sales = await as('sales')
    let last = await sales.get(searchFor(`+${randomPhone()}`))
    for (let i = 0; i < 31 && last.status === 200; i++) {
      last = await sales.get(searchFor(`+${randomPhone()}`))
    }
    expect(last.status).toBe(429)
    expect(await last.text()).toContain('Too many number searches')
    const inbox = await sales.get(`/inbox?q=${encodeURIComponent(`+${randomPhone()}`)}`)
    expect(inbox.status).toBe(429)
    expect(await inbox.text()).toContain('Too many number searches')
    expect((await sales.get('/inbox?q=Ana')).status).toBe(200)
  })
})
