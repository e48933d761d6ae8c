import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { signedIn } from '../helpers/console-session.js'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import {
  contactByPhone,
  setLastInbound,
  setWorkspaceSettings,
  workspaceRow,
} from '../helpers/sending.js'
import { withTenant } from '../../src/db/tenant.js'
import { auditEntries, consentEvents, conversations, type Role } from '../../src/db/schema.js'
import { recordAudit } from '../../src/audit/record-audit.js'
import { systemActor } from '../../src/actor.js'
import { createApiKey } from '../../src/auth/api-keys.js'

type Workspace = Awaited<ReturnType<typeof seedWorkspace>>

let t: TestApp
let ws: Workspace

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Time zones')
})
afterAll(() => t.close())

function as(role: Role, workspace = ws) {
  return signedIn(t.app, workspace.users[role])
}

async function htmlOf(response: Response, status = 200) {
  expect(response.status).toBe(status)
  return response.text()
}

async function zoned(label: string, timezone: string) {
  const workspace = await seedWorkspace(t.deps, label)
  await setWorkspaceSettings(t, workspace.workspaceId, { timezone })
  return workspace
}

describe('the workspace time zone setting', () => {
  it('is offered as a select of zones, UTC until set', async () => {
    const html = await htmlOf(await (await as('admin')).get('/settings'))
    expect(html).toMatch(/<select id="timezone" name="timezone"/)
    expect(html).toContain('<option selected>UTC</option>')
    expect(html).toContain('<option>America/Sao_Paulo</option>')
    expect(html).toContain('Times in UTC.')
  })

  it('is saved by an admin, audited, and shown on the settings page and the API', async () => {
    const workspace = await seedWorkspace(t.deps, 'Zone saved')
    const admin = await as('admin', workspace)
    const saved = await admin.post(
      '/settings/timezone',
      { timezone: 'Asia/Kolkata' },
      { htmx: true },
    )
    const html = await htmlOf(saved)
    expect(html).toContain('Times are now shown in Asia/Kolkata.')
    expect(html).toContain('<option selected>Asia/Kolkata</option>')
    expect((await workspaceRow(t, workspace.workspaceId)).settings).toMatchObject({
      timezone: 'Asia/Kolkata',
    })
    const audited = await withTenant(t.deps.db, workspace.workspaceId, (tx) =>
      tx.select().from(auditEntries).where(eq(auditEntries.action, 'settings.timezone')),
    )
    expect(audited.map((entry) => entry.details)).toEqual([{ timezone: 'Asia/Kolkata' }])
    const { key } = await createApiKey(t.deps, {
      workspaceId: workspace.workspaceId,
      role: 'sales',
      name: 'zone reader',
    })
    const api = await t.app.request('/api/v1/workspace', {
      headers: { authorization: `Bearer ${key}` },
    })
    expect(await api.json()).toMatchObject({ timezone: 'Asia/Kolkata' })
  })

  it('refuses an unknown zone with 422 and keeps the one saved', async () => {
    const workspace = await zoned('Zone refused', 'Asia/Jakarta')
    const admin = await as('owner', workspace)
    for (const timezone of ['Mars/Olympus_Mons', 'asia/jakarta', '+05:30', '']) {
      const refused = await admin.post('/settings/timezone', { timezone }, { htmx: true })
      const html = await htmlOf(refused, 422)
      expect(html).toContain('timezone must be an IANA zone name such as Asia/Kolkata')
    }
    const page = await htmlOf(
      await admin.post('/settings/timezone', { timezone: 'Nope/Nope' }),
      422,
    )
    expect(page).toContain('<title>Settings · Parley</title>')
    expect((await workspaceRow(t, workspace.workspaceId)).settings).toMatchObject({
      timezone: 'Asia/Jakarta',
    })
  })

  it('is refused to managers and sales, and without the CSRF token', async () => {
    for (const role of ['manager', 'sales'] as const) {
      const session = await as(role)
      expect((await session.post('/settings/timezone', { timezone: 'Asia/Jakarta' })).status).toBe(
        403,
      )
    }
    const admin = await as('admin')
    const forged = await admin.post(
      '/settings/timezone',
      { timezone: 'Asia/Jakarta' },
      { csrf: false },
    )
    expect(forged.status).toBe(403)
    expect((await workspaceRow(t, ws.workspaceId)).settings).not.toHaveProperty('timezone')
  })
})

describe('times and day filters on the workspace clock', () => {
  // 20:00 UTC on 1 March is 01:30 on 2 March in Kolkata.
  const LATE = new Date('2026-03-01T20:00:00Z')
  const EARLY = new Date('2026-03-01T10:00:00Z')

  async function seedConsent(workspace: Workspace) {
    const phone = randomPhone()
    await receive(t, inboundMessage(workspace.phoneNumberId, { from: phone, text: 'hello' }))
    const contact = await contactByPhone(t, workspace.workspaceId, phone)
    const entry = (occurredAt: Date, reason: string) => ({
      workspaceId: workspace.workspaceId,
      contactId: contact.id,
      scope: 'messaging' as const,
      method: 'manual' as const,
      reason,
      previousState: 'subscribed',
      newState: 'opted_out',
      occurredAt,
    })
    await withTenant(t.deps.db, workspace.workspaceId, (tx) =>
      tx.insert(consentEvents).values([entry(EARLY, 'early call'), entry(LATE, 'late call')]),
    )
  }

  it('reads an opt-out log day as that day in the zone, and shows times there', async () => {
    const workspace = await zoned('Consent in Kolkata', 'Asia/Kolkata')
    await seedConsent(workspace)
    const admin = await as('admin', workspace)
    const second = await htmlOf(await admin.get('/opt-outs?from=2026-03-02&to=2026-03-02'))
    expect(second).toContain('late call')
    expect(second).not.toContain('early call')
    expect(second).toContain('2026-03-02 01:30')
    expect(second).toContain('are in Asia/Kolkata.')
    const first = await htmlOf(await admin.get('/opt-outs?from=2026-03-01&to=2026-03-01'))
    expect(first).toContain('early call')
    expect(first).toContain('2026-03-01 15:30')
    expect(first).not.toContain('late call')
  })

  it('reads the API day filters in the zone too', async () => {
    const workspace = await zoned('API in Sao Paulo', 'America/Sao_Paulo')
    await seedConsent(workspace)
    const { key } = await createApiKey(t.deps, {
      workspaceId: workspace.workspaceId,
      role: 'admin',
      name: 'log reader',
    })
    // 20:00 UTC is 17:00 on 1 March in São Paulo: both entries are on the 1st there.
    const response = await t.app.request('/api/v1/opt-outs?from=2026-03-01&to=2026-03-01', {
      headers: { authorization: `Bearer ${key}` },
    })
    const page = (await response.json()) as { data: { reason: string }[] }
    expect(page.data.map((entry) => entry.reason).sort()).toEqual(['early call', 'late call'])
    const bad = await t.app.request('/api/v1/opt-outs?from=2026-02-30x', {
      headers: { authorization: `Bearer ${key}` },
    })
    expect(bad.status).toBe(422)
  })

  it('writes the CSV export with the zone offset', async () => {
    const workspace = await zoned('CSV in Kolkata', 'Asia/Kolkata')
    await seedConsent(workspace)
    const csv = await (await (await as('admin', workspace)).get('/opt-outs.csv')).text()
    expect(csv).toContain('2026-03-02T01:30:00.000+05:30')
    expect(csv).toContain('2026-03-01T15:30:00.000+05:30')
  })

  it('reads an audit log day in the zone and shows its times there', async () => {
    const workspace = await zoned('Audit in Kolkata', 'Asia/Kolkata')
    const { workspaceId } = workspace
    const actor = systemActor(workspaceId, 'test')
    await withTenant(t.deps.db, workspaceId, async (tx) => {
      await recordAudit(tx, { actor, now: EARLY }, { action: 'zone.early' })
      await recordAudit(tx, { actor, now: LATE }, { action: 'zone.late' })
    })
    const admin = await as('admin', workspace)
    const html = await htmlOf(await admin.get('/audit?from=2026-03-02&to=2026-03-02'))
    expect(html).toContain('<code>zone.late</code>')
    expect(html).not.toContain('<code>zone.early</code>')
    expect(html).toContain('2026-03-02 01:30:00')
  })
})

describe('the composer names the zone the 24-hour window closes in', () => {
  it('says when the window closes on the workspace clock, with the zone', async () => {
    const workspace = await zoned('Composer in Kolkata', 'Asia/Kolkata')
    const phone = randomPhone()
    await receive(t, inboundMessage(workspace.phoneNumberId, { from: phone, text: 'Still open?' }))
    const contact = await contactByPhone(t, workspace.workspaceId, phone)
    // The window closes 24 hours after this: 08:35 UTC the next day, 14:05 in Kolkata.
    const wrote = new Date(Date.now() - 60 * 60_000)
    wrote.setUTCHours(8, 35, 0, 0)
    if (wrote.getTime() > Date.now()) wrote.setUTCDate(wrote.getUTCDate() - 1)
    await setLastInbound(t, workspace.workspaceId, contact.id, wrote)
    const [conversation] = await withTenant(t.deps.db, workspace.workspaceId, (tx) =>
      tx
        .select()
        .from(conversations)
        .where(and(eq(conversations.contactId, contact.id))),
    )
    const sales = await as('sales', workspace)
    const html = await htmlOf(await sales.get(`/conversations/${conversation?.id ?? ''}`))
    const closes = new Date(wrote.getTime() + 24 * 3600_000)
    const day = new Date(closes.getTime() + 5.5 * 3600_000).toISOString().slice(0, 10)
    expect(html).toContain(`Free text is allowed until ${day} 14:05 Asia/Kolkata`)
    expect(html).toContain('Times in Asia/Kolkata.')
  })
})
