import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { FakeMetaGraph } from '../fakes/meta-graph.js'
import { withSystem } from '../../src/db/tenant.js'
import { auditEntries, workspaces } from '../../src/db/schema.js'
import { createTestApp, type TestApp } from './app.js'
import { seedWorkspace } from './workspace.js'

/** The Graph API version the test app and the fake agree on. */
export const CONNECT_VERSION = 'v26.0'
/** The token people paste: the fake Meta accepts only this one. */
export const CONNECT_TOKEN = 'EAAG-settings-test-token-0123456789'
/** What the fake Meta says about every number a test adds. */
export const META_NUMBER = {
  display_phone_number: '+1 555-078-3881',
  verified_name: 'Greenhouse Plants',
  quality_rating: 'GREEN',
}

/** What a connect test file works with, from its beforeAll on. */
export interface ConnectSuite {
  readonly meta: FakeMetaGraph
  readonly t: TestApp
  readonly graphUrl: string
}

/**
 * Registers a file's hooks: a fake Meta that accepts CONNECT_TOKEN and a test app pointed at it;
 * after each test the fake must have seen only valid requests.
 */
export function useConnectSuite(): ConnectSuite {
  const suite = {} as { -readonly [K in keyof ConnectSuite]: ConnectSuite[K] }
  let closeMeta = () => Promise.resolve()
  beforeAll(async () => {
    suite.meta = new FakeMetaGraph({ version: CONNECT_VERSION, accessToken: CONNECT_TOKEN })
    const server = await suite.meta.start()
    closeMeta = () => server.close()
    suite.graphUrl = server.baseUrl
    suite.t = createTestApp({ graph: { baseUrl: server.baseUrl, version: CONNECT_VERSION } })
  })
  afterEach(() => {
    expect(suite.meta.problems).toEqual([])
  })
  afterAll(async () => {
    await closeMeta()
    await suite.t.close()
  })
  return suite
}

/** A seeded workspace and a fresh business number id (`newNumberId`) the fake Meta knows. */
export async function workspaceWithNumber(suite: ConnectSuite, label: string) {
  const ws = await seedWorkspace(suite.t.deps, label)
  const newNumberId = `8${ws.phoneNumberId.slice(1)}`
  suite.meta.phoneNumbers.add({ ...META_NUMBER, id: newNumberId })
  return { ...ws, newNumberId }
}

/** A workspace's row as stored, to compare before and after. */
export async function workspaceRow(t: TestApp, workspaceId: string) {
  const [found] = await withSystem(t.deps.db, (tx) =>
    tx.select().from(workspaces).where(eq(workspaces.id, workspaceId)),
  )
  if (!found) throw new Error('no workspace row')
  return found
}

/** The workspace's audit entries, oldest first. */
export function auditsOf(t: TestApp, workspaceId: string) {
  return withSystem(t.deps.db, (tx) =>
    tx
      .select()
      .from(auditEntries)
      .where(eq(auditEntries.workspaceId, workspaceId))
      .orderBy(auditEntries.seq),
  )
}
