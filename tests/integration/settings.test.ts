import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { signedIn } from '../helpers/console-session.js'
import { deliverFixtures, postWebhook } from '../helpers/webhooks.js'
import { loadFixture } from '../helpers/whatsapp-fixtures.js'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { messages, webhookEvents } from '../../src/db/schema.js'
import { processDueEvents } from '../../src/webhooks/process.js'
import type { Role } from '../../src/db/schema.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Settings')
})
afterAll(() => t.close())

function loggedIn(role: Role) {
  return signedIn(t.app, ws.users[role])
}

describe('workspace settings', () => {
  it('is for owners and admins only', async () => {
    expect((await (await loggedIn('manager')).get('/settings')).status).toBe(403)
    expect((await (await loggedIn('sales')).get('/settings')).status).toBe(403)
    const page = await (await loggedIn('admin')).get('/settings')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Store message content')
    expect(html).toMatch(/id="store-content" name="store" checked/)
  })

  it('refuses changes from roles below admin', async () => {
    const sales = await loggedIn('sales')
    expect((await sales.post('/settings/message-content', {})).status).toBe(403)
    expect((await sales.post('/settings/webhook-replay', {})).status).toBe(403)
    const page = await (await loggedIn('admin')).get('/settings')
    expect(await page.text()).toMatch(/name="store" checked/)
  })

  it('refuses a settings change without the CSRF token', async () => {
    const admin = await loggedIn('admin')
    const response = await admin.post('/settings/message-content', {}, { csrf: false })
    expect(response.status).toBe(403)
  })

  it('turns storing message content off, and the next message arrives without its body', async () => {
    const admin = await loggedIn('admin')
    const response = await admin.post('/settings/message-content', {}, { htmx: true })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('no longer stored')
    await deliverFixtures(t, ws.phoneNumberId, 'text')
    const stored = await withTenant(t.deps.db, ws.workspaceId, (tx) => tx.select().from(messages))
    expect(stored).toHaveLength(1)
    expect(stored[0]?.textEnc).toBeNull()
    await admin.post('/settings/message-content', { store: 'on' })
    const page = await (await admin.get('/settings')).text()
    expect(page).toMatch(/name="store" checked/)
  })

  it('lists failed deliveries and processes them again on request', async () => {
    const body = loadFixture('image').replaceAll('106540352242922', ws.phoneNumberId)
    await postWebhook(t, body)
    await withSystem(t.deps.db, (tx) =>
      tx
        .update(webhookEvents)
        .set({ state: 'failed', lastError: 'simulated outage', attempts: 5 })
        .where(sql`${ws.workspaceId}::uuid = any(${webhookEvents.workspaceIds})`),
    )
    const other = await seedWorkspace(t.deps, 'Other settings')
    await postWebhook(t, loadFixture('video').replaceAll('106540352242922', other.phoneNumberId))
    await withSystem(t.deps.db, (tx) =>
      tx
        .update(webhookEvents)
        .set({ state: 'failed', lastError: 'the other workspace outage', attempts: 5 })
        .where(sql`${other.workspaceId}::uuid = any(${webhookEvents.workspaceIds})`),
    )
    const admin = await loggedIn('owner')
    const listed = await (await admin.get('/settings')).text()
    expect(listed).toContain('simulated outage')
    expect(listed).not.toContain('the other workspace outage')
    const replay = await admin.post('/settings/webhook-replay', {}, { htmx: true })
    expect(await replay.text()).toMatch(/[1-9]\d* failed event\(s\) queued/)
    expect(t.jobs.payloadsOf('webhooks.process').length).toBeGreaterThan(0)
    await processDueEvents(t.jobDeps)
    const page = await (await admin.get('/settings')).text()
    expect(page).toContain('No failed webhook deliveries.')
    const stored = await withTenant(t.deps.db, ws.workspaceId, (tx) => tx.select().from(messages))
    expect(stored.some((m) => m.type === 'image')).toBe(true)
    const [untouched] = await withSystem(t.deps.db, (tx) =>
      tx
        .select()
        .from(webhookEvents)
        .where(sql`${other.workspaceId}::uuid = any(${webhookEvents.workspaceIds})`),
    )
    expect(untouched?.state).toBe('failed')
  })
})
