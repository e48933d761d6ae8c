import { and, asc, eq, isNotNull, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { isUuid } from '../db/tenant.js'
import { messageTemplates, workspaces, type TemplateComponent } from '../db/schema.js'

/** A template as Meta listed it, ready to store. */
export interface SyncedTemplate {
  readonly metaId: string
  readonly name: string
  readonly language: string
  readonly category: string
  readonly status: string
  readonly components: TemplateComponent[]
}

/** A stored template row. */
export type TemplateRowRecord = typeof messageTemplates.$inferSelect

/** Ids of every workspace with a WhatsApp Business Account and a token (system transaction). */
export async function listConnectedWorkspaceIds(tx: Tx): Promise<string[]> {
  const rows = await tx
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(and(isNotNull(workspaces.wabaId), isNotNull(workspaces.accessTokenEnc)))
    .orderBy(asc(workspaces.id))
  return rows.map((row) => row.id)
}

/** Inserts or refreshes the workspace's templates in one statement, keyed by name and language. */
export async function upsertTemplates(
  tx: Tx,
  workspaceId: string,
  templates: readonly SyncedTemplate[],
  syncedAt: Date,
): Promise<void> {
  if (templates.length === 0) return
  await tx
    .insert(messageTemplates)
    .values(templates.map((t) => ({ ...t, workspaceId, syncedAt })))
    .onConflictDoUpdate({
      target: [messageTemplates.workspaceId, messageTemplates.name, messageTemplates.language],
      set: {
        metaId: sql`excluded.meta_id`,
        category: sql`excluded.category`,
        status: sql`excluded.status`,
        components: sql`excluded.components`,
        syncedAt: sql`excluded.synced_at`,
      },
    })
}

/** Deletes the workspace's templates that are not among `kept`; returns how many went. */
export async function deleteTemplatesExcept(
  tx: Tx,
  workspaceId: string,
  kept: readonly { readonly name: string; readonly language: string }[],
): Promise<number> {
  const { name, language } = messageTemplates
  const listed = sql.join(
    kept.map((t) => sql`(${t.name}, ${t.language})`),
    sql`, `,
  )
  const stale = kept.length > 0 ? sql`(${name}, ${language}) not in (${listed})` : undefined
  const removed = await tx
    .delete(messageTemplates)
    .where(and(eq(messageTemplates.workspaceId, workspaceId), stale))
    .returning({ id: messageTemplates.id })
  return removed.length
}

/** The workspace's templates (only approved ones if asked), by name then language. */
export function listTemplates(
  tx: Tx,
  options: { readonly approvedOnly: boolean },
): Promise<TemplateRowRecord[]> {
  // Row-level security limits the rows to the transaction's workspace.
  return tx
    .select()
    .from(messageTemplates)
    .where(options.approvedOnly ? eq(messageTemplates.status, 'APPROVED') : undefined)
    .orderBy(asc(messageTemplates.name), asc(messageTemplates.language))
}

/** One template by id, if the transaction's workspace has it. */
export async function findTemplate(tx: Tx, id: string): Promise<TemplateRowRecord | undefined> {
  // A malformed id would fail the uuid cast; it simply names no template.
  if (!isUuid(id)) return undefined
  const [row] = await tx.select().from(messageTemplates).where(eq(messageTemplates.id, id))
  return row
}

/** The workspace's template of this name and language (Meta's exact code), if it has one. */
export async function findTemplateByKey(
  tx: Tx,
  key: { readonly workspaceId: string; readonly name: string; readonly language: string },
): Promise<TemplateRowRecord | undefined> {
  const [row] = await tx
    .select()
    .from(messageTemplates)
    .where(
      and(
        eq(messageTemplates.workspaceId, key.workspaceId),
        eq(messageTemplates.name, key.name),
        eq(messageTemplates.language, key.language),
      ),
    )
  return row
}
