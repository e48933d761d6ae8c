import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { messageTemplates, workspaces } from '../../src/db/schema.js'
import type { MessageTemplate } from '../../src/whatsapp/cloud-api.js'
import type { TestApp } from './app.js'
import { seedWorkspace } from './workspace.js'

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
