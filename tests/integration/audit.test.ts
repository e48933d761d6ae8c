import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { desc, eq, sql } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { ConsoleSession } from '../helpers/console-session.js'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import { contactByPhone } from '../helpers/sending.js'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { auditEntries, consentEvents, sends } from '../../src/db/schema.js'
import { recordAudit } from '../../src/audit/record-audit.js'
import { systemActor } from '../../src/actor.js'
import { queueAs } from '../../src/outbound/queue-as.js'
import { changeConsentAs } from '../../src/consent/change-consent-as.js'
import { verifyAuditChains } from '../../src/audit/verify.js'
import { purgeOldAuditEntries } from '../../src/audit/purge.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Audit')
})
afterAll(() => t.close())

const DAY = 24 * 3600_000

async function latestEntry(workspaceId = ws.workspaceId) {
  const [entry] = await withTenant(t.deps.db, workspaceId, (tx) =>
    tx.select().from(auditEntries).orderBy(desc(auditEntries.seq)).limit(1),
  )
  return entry
}

function api(path: string, body: unknown, key = ws.keys.sales) {
  return t.app.request(`/api/v1${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'x-forwarded-for': '203.0.113.9',
    },
    body: JSON.stringify(body),
  })
}

async function newContact() {
  const phone = randomPhone()
  await receive(t, inboundMessage(ws.phoneNumberId, { from: phone, text: 'Hello' }))
  return contactByPhone(t, ws.workspaceId, phone)
}

async function loggedIn(role: 'owner' | 'admin') {
  const session = new ConsoleSession(t.app)
  expect((await session.login(ws.users[role].email)).status).toBe(303)
  return session
}

describe('the audit trail of changes', () => {
  it('records consent changes and sends by API with the key, the address and no message text', async () => {
    const contact = await newContact()
    expect((await api(`/contacts/${contact.id}/messages`, { text: 'Secret offer' })).status).toBe(
      202,
    )
    const send = await latestEntry()
    expect(send).toMatchObject({
      actorType: 'api_key',
      actorName: 'sales key',
      ip: '203.0.113.9',
      action: 'message.send',
      recordType: 'send',
      details: { contactId: contact.id, kind: 'text', category: 'service' },
    })
    expect(JSON.stringify(send)).not.toContain('Secret offer')
    await api(`/contacts/${contact.id}/opt-out`, { reason: 'Asked by email' })
    expect(await latestEntry()).toMatchObject({
      action: 'consent.opt_out',
      recordType: 'contact',
      recordId: contact.id,
      details: { scope: 'messaging', reason: 'Asked by email' },
    })
  })

  it('records console changes of users, settings and consent, and exports, by the signed-in user', async () => {
    const owner = await loggedIn('owner')
    await owner.post(`/users/${ws.users.sales.id}/role`, { role: 'manager' })
    expect(await latestEntry()).toMatchObject({
      actorType: 'user',
      actorName: ws.users.owner.email,
      action: 'user.role',
      recordId: ws.users.sales.id,
      details: { role: 'manager' },
    })
    await owner.post('/settings/message-content', { store: 'on' })
    expect(await latestEntry()).toMatchObject({
      action: 'settings.message_content',
      details: { store: true },
    })
    const contact = await newContact()
    await owner.post(`/contacts/${contact.id}/opt-out`, {
      scope: 'marketing',
      reason: 'Phone call',
    })
    expect(await latestEntry()).toMatchObject({
      action: 'consent.opt_out',
      actorName: ws.users.owner.email,
    })
    expect((await owner.get('/opt-outs.csv?method=manual')).status).toBe(200)
    expect(await latestEntry()).toMatchObject({
      action: 'export.opt_outs',
      details: { method: 'manual' },
    })
  })

  it('keeps an intact chain that the application role cannot rewrite', async () => {
    const report = await verifyAuditChains(t.deps.db, ws.workspaceId)
    expect(report.entries).toBeGreaterThan(3)
    expect(report.broken).toEqual([])
    for (const statement of [
      sql`update audit_entries set action = 'nothing'`,
      sql`delete from audit_entries`,
    ]) {
      const refusal = await withTenant(t.deps.db, ws.workspaceId, (tx) => tx.execute(statement))
        .then(() => undefined)
        .catch((error: unknown) => (error as { cause?: Error }).cause?.message)
      expect(refusal).toMatch(/permission denied for table audit_entries/)
    }
  })

  it('purges entries older than a year and the rest still verifies', async () => {
    const old = await seedWorkspace(t.deps, 'Audit purge')
    const actor = systemActor(old.workspaceId, 'test')
    for (const daysAgo of [400, 380, 10, 1]) {
      const now = new Date(Date.now() - daysAgo * DAY)
      await withTenant(t.deps.db, old.workspaceId, (tx) =>
        recordAudit(tx, { actor, now }, { action: `test.${daysAgo}` }),
      )
    }
    await purgeOldAuditEntries(t.deps.db, new Date())
    const left = await withSystem(t.deps.db, (tx) =>
      tx.select().from(auditEntries).where(eq(auditEntries.workspaceId, old.workspaceId)),
    )
    expect(left.map((e) => e.action).sort()).toEqual(['test.1', 'test.10'])
    expect((await verifyAuditChains(t.deps.db, old.workspaceId)).broken).toEqual([])
  })
})

describe('use cases called by a job, with no request', () => {
  it('queues a send and changes consent as a system actor, audited under the job’s name', async () => {
    const contact = await newContact()
    const acting = {
      actor: systemActor(ws.workspaceId, 'broadcasts.send'),
      now: t.deps.now(),
      cipher: t.deps.cipher,
    }
    const { queued, consent } = await withTenant(t.deps.db, ws.workspaceId, async (tx) => {
      const content = { kind: 'text', text: 'Your table is ready' } as const
      const result = await queueAs(tx, acting, {
        contactId: contact.id,
        content,
        origin: 'broadcast',
      })
      const change = { contactId: contact.id, direction: 'opt_out', scope: 'marketing' } as const
      return { queued: result, consent: await changeConsentAs(tx, acting, change) }
    })
    if (!('queued' in queued)) throw new Error(`refused: ${queued.refused}`)
    expect(consent).toMatchObject({ marketing: 'stopped' })
    const entries = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
      tx.select().from(auditEntries).orderBy(desc(auditEntries.seq)).limit(2),
    )
    const system = {
      actorType: 'system',
      actorId: null,
      actorName: 'broadcasts.send',
      ip: null,
    }
    expect(entries.reverse()).toEqual([
      expect.objectContaining({ ...system, action: 'message.send', recordId: queued.queued.id }),
      expect.objectContaining({ ...system, action: 'consent.opt_out', recordId: contact.id }),
    ])
    const [send] = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
      tx.select().from(sends).where(eq(sends.id, queued.queued.id)),
    )
    expect(send).toMatchObject({
      origin: 'broadcast',
      createdByUserId: null,
      createdByApiKeyId: null,
    })
    const [logged] = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
      tx.select().from(consentEvents).where(eq(consentEvents.contactId, contact.id)),
    )
    expect(logged).toMatchObject({ method: 'system', actorUserId: null, actorApiKeyId: null })
    expect((await verifyAuditChains(t.deps.db, ws.workspaceId)).broken).toEqual([])
  })
})
