import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { messageTemplates, workspaces } from '../../src/db/schema.js'
import { syncTemplates } from '../../src/templates/sync-templates.js'
import type { MessageTemplate } from '../../src/whatsapp/cloud-api.js'
import type { FakeMetaGraph } from '../fakes/meta-graph.js'
import type { TestApp } from './app.js'
import { seedWorkspace } from './workspace.js'

/** Gives a workspace its own WhatsApp Business Account id; returns it. */
async function connectWaba(t: TestApp, workspaceId: string): Promise<string> {
  const wabaId = `1${String(randomBytes(6).readUIntBE(0, 6)).padStart(15, '0')}`
  await withSystem(t.deps.db, (tx) =>
    tx.update(workspaces).set({ wabaId }).where(eq(workspaces.id, workspaceId)),
  )
  return wabaId
}

/** A seeded workspace with its own WhatsApp Business Account id (seedWorkspace sets none). */
export async function connectedWorkspace(t: TestApp, label: string) {
  const ws = await seedWorkspace(t.deps, label)
  return { ...ws, wabaId: await connectWaba(t, ws.workspaceId) }
}

/**
 * Syncs these templates into the workspace the way Parley does (from the fake Meta's template
 * list), giving the workspace a WABA id first; the fake then lists only these for it.
 */
export async function syncTemplatesInto(
  suite: { readonly t: TestApp; readonly meta: FakeMetaGraph },
  workspaceId: string,
  templates: readonly MessageTemplate[],
): Promise<void> {
  const wabaId = await connectWaba(suite.t, workspaceId)
  suite.meta.templates.set(wabaId, templates)
  await syncTemplates(suite.t.jobDeps, workspaceId)
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
