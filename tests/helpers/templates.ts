import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { messageTemplates, workspaces } from '../../src/db/schema.js'
import type { MessageTemplate } from '../../src/whatsapp/cloud-api.js'
import { FakeMetaGraph } from '../fakes/meta-graph.js'
import { createTestApp, type TestApp } from './app.js'
import { seedWorkspace, TEST_ACCESS_TOKEN } from './workspace.js'

/** The Graph version the template tests' app and fake agree on. */
export const TEMPLATES_VERSION = 'v26.0'

/** What a template test file works with, from its beforeAll on. */
export interface TemplatesSuite {
  readonly t: TestApp
  readonly meta: FakeMetaGraph
}

/**
 * Registers a file's hooks: a fake Meta first, then a test app pointed at it (the app calls Meta
 * itself for a sync on demand, so useSendingSuite's order does not fit); after each test the
 * fake must have seen only valid requests.
 */
export function useTemplatesSuite(): TemplatesSuite {
  const suite = {} as { -readonly [K in keyof TemplatesSuite]: TemplatesSuite[K] }
  let closeFake = () => Promise.resolve()
  beforeAll(async () => {
    suite.meta = new FakeMetaGraph({ version: TEMPLATES_VERSION, accessToken: TEST_ACCESS_TOKEN })
    const server = await suite.meta.start()
    closeFake = () => server.close()
    suite.t = createTestApp({ graph: { baseUrl: server.baseUrl, version: TEMPLATES_VERSION } })
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

/** A seeded workspace with its own WhatsApp Business Account id (seedWorkspace sets none). */
export async function connectedWorkspace(t: TestApp, label: string) {
  const ws = await seedWorkspace(t.deps, label)
  const wabaId = `1${String(randomBytes(6).readUIntBE(0, 6)).padStart(15, '0')}`
  await withSystem(t.deps.db, (tx) =>
    tx.update(workspaces).set({ wabaId }).where(eq(workspaces.id, ws.workspaceId)),
  )
  return { ...ws, wabaId }
}

/** An approved utility template as Meta lists it, with one body placeholder. */
export function metaTemplate(name: string, patch: Partial<MessageTemplate> = {}): MessageTemplate {
  return {
    id: `meta-${name}`,
    name,
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: `Hello {{1}}, this is ${name}.` }],
    ...patch,
  }
}

/** The workspace's stored template rows, by name. */
export function storedTemplates(t: TestApp, workspaceId: string) {
  return withTenant(t.deps.db, workspaceId, (tx) =>
    tx.select().from(messageTemplates).orderBy(messageTemplates.name),
  )
}
