import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { deliverFixtures, fixtureFor, postWebhook } from '../helpers/webhooks.js'
import { withTenant } from '../../src/db/tenant.js'
import { contacts, messages } from '../../src/db/schema.js'

// The ingest path on both databases: the embedded one is what `npm start` runs on without DATABASE_URL.
let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Smoke ingest')
})
afterAll(() => t.close())

describe('webhook ingest on this database', () => {
  it('stores, processes once and links identities across redeliveries', async () => {
    expect(
      (await postWebhook(t, fixtureFor('text', ws.phoneNumberId), { signature: null })).status,
    ).toBe(401)
    await deliverFixtures(t, ws.phoneNumberId, 'text-bsuid-only', 'batch-mixed', 'batch-mixed')
    await deliverFixtures(t, ws.phoneNumberId, 'text-bsuid-and-phone', 'status-read')
    const stored = await withTenant(t.deps.db, ws.workspaceId, (tx) => tx.select().from(messages))
    const wamids = stored.map((m) => m.wamid)
    expect(new Set(wamids).size).toBe(wamids.length)
    const people = await withTenant(t.deps.db, ws.workspaceId, (tx) => tx.select().from(contacts))
    expect(people.filter((c) => c.bsuid === 'US.13491208655302741918')).toHaveLength(1)
    expect(people.find((c) => c.bsuid === 'US.13491208655302741918')?.phoneIndex).toBeTruthy()
  })
})
