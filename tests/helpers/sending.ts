import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { contacts, sends, workspaces } from '../../src/db/schema.js'
import { dispatchDueSends } from '../../src/outbound/dispatch.js'
import { mergeWorkspaceSettings } from '../../src/workspaces/workspaces.repo.js'
import { queueSend } from '../../src/outbound/queue-send.js'
import type { SendContent } from '../../src/outbound/content.js'
import { FakeMetaGraph } from '../fakes/meta-graph.js'
import { createTestApp, type TestApp, type TestClock } from './app.js'
import { inboundMessage, randomPhone, receive } from './inbound.js'
import { seedWorkspace, TEST_ACCESS_TOKEN } from './workspace.js'

/** What a sending test file works with, from its beforeAll on. */
export interface SendingSuite {
  readonly t: TestApp
  readonly meta: FakeMetaGraph
  /** The app's job deps with the Graph API pointed at the fake. */
  readonly jobDeps: TestApp['jobDeps']
  readonly ws: Awaited<ReturnType<typeof seedWorkspace>>
}

/** The Graph API version the test apps and the fake agree on. */
export const GRAPH_VERSION = 'v26.0'

/**
 * Registers a file's hooks: a fake Meta, a test app pointed at it and a seeded workspace
 * (`label`), filled in the returned object by beforeAll; after each test the fake must have seen
 * only valid requests.
 */
export function useSendingSuite(label: string): SendingSuite {
  const suite = {} as { -readonly [K in keyof SendingSuite]: SendingSuite[K] }
  let closeFake = () => Promise.resolve()
  beforeAll(async () => {
    // The fake first: the app itself calls Meta too (a template sync on demand).
    suite.meta = new FakeMetaGraph({ version: GRAPH_VERSION, accessToken: TEST_ACCESS_TOKEN })
    const server = await suite.meta.start()
    closeFake = () => server.close()
    suite.t = createTestApp({ graph: { baseUrl: server.baseUrl, version: GRAPH_VERSION } })
    suite.jobDeps = suite.t.jobDeps
    suite.ws = await seedWorkspace(suite.t.deps, label)
  })
  afterEach(() => {
    expect(suite.meta.problems).toEqual([])
  })
  afterAll(async () => {
    await closeFake()
    await suite.t.close()
  })
  return suite
}

/**
 * Runs the dispatcher for one workspace's sends only (test files share the database); with
 * `clock`, on the test clock, which moves on instead of waiting for pacing.
 */
export function dispatchFor(
  jobDeps: TestApp['jobDeps'],
  workspaceId: string,
  options: { noWaiting?: boolean; clock?: TestClock } = {},
) {
  return dispatchDueSends(jobDeps, { workspaceIds: [workspaceId], ...options })
}

/** Merges settings into a workspace row. */
export function setWorkspaceSettings(
  t: TestApp,
  workspaceId: string,
  patch: Record<string, unknown>,
) {
  return withSystem(t.deps.db, (tx) => mergeWorkspaceSettings(tx, workspaceId, patch))
}

/** The workspace's contact with this phone (digits or E.164). */
export async function contactByPhone(t: TestApp, workspaceId: string, phone: string) {
  const e164 = phone.startsWith('+') ? phone : `+${phone}`
  const [row] = await withTenant(t.deps.db, workspaceId, (tx) =>
    tx
      .select()
      .from(contacts)
      .where(eq(contacts.phoneIndex, t.deps.cipher.blindIndex(e164))),
  )
  if (!row) throw new Error(`no contact with phone ${phone}`)
  return row
}

/** Every send of a workspace, oldest first. */
export function sendsOf(t: TestApp, workspaceId: string) {
  return withTenant(t.deps.db, workspaceId, (tx) =>
    tx.select().from(sends).orderBy(sends.createdAt),
  )
}

/** The workspace row (sending pause columns included). */
export async function workspaceRow(t: TestApp, workspaceId: string) {
  const [row] = await withSystem(t.deps.db, (tx) =>
    tx.select().from(workspaces).where(eq(workspaces.id, workspaceId)),
  )
  if (!row) throw new Error('no workspace')
  return row
}

/** Moves a contact's last inbound message back in time (to close the 24-hour window). */
export function setLastInbound(t: TestApp, workspaceId: string, contactId: string, at: Date) {
  return withTenant(t.deps.db, workspaceId, (tx) =>
    tx.execute(sql`update contacts set last_inbound_at = ${at} where id = ${contactId}`),
  )
}

type SeededWorkspace = Awaited<ReturnType<typeof seedWorkspace>>

/** A new contact who has just written "Hello", so the 24-hour window is open. */
export async function contactWhoWrote(t: TestApp, ws: SeededWorkspace) {
  const phone = randomPhone()
  await receive(t, inboundMessage(ws.phoneNumberId, { from: phone, text: 'Hello' }))
  return { phone, id: (await contactByPhone(t, ws.workspaceId, phone)).id }
}

/** Queues through the gate as any sender does (a template as marketing); returns the send id. */
export async function queueThroughGate(
  t: TestApp,
  ws: SeededWorkspace,
  send: { contactId: string; content: SendContent },
) {
  const { contactId, content } = send
  const result = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
    queueSend(
      tx,
      { workspaceId: ws.workspaceId, cipher: t.deps.cipher, now: t.clock.now() },
      { contactId, content, origin: 'api' },
    ),
  )
  if (!('queued' in result)) throw new Error(`refused: ${result.refused}`)
  return result.queued.id
}

/** One send of a workspace. */
export async function sendRow(t: TestApp, workspaceId: string, id: string) {
  const row = (await sendsOf(t, workspaceId)).find((s) => s.id === id)
  if (!row) throw new Error('no send')
  return row
}
