import { eq, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { workspaces } from '../db/schema.js'

/** Inserts a workspace (system transaction: the workspace does not exist yet). */
export async function insertWorkspace(
  tx: Tx,
  row: typeof workspaces.$inferInsert,
): Promise<string> {
  const [created] = await tx.insert(workspaces).values(row).returning({ id: workspaces.id })
  if (!created) throw new Error('workspace insert returned no row')
  return created.id
}

/** The workspace visible to this transaction. */
export async function findWorkspace(tx: Tx, id: string) {
  const [row] = await tx.select().from(workspaces).where(eq(workspaces.id, id))
  return row
}

/** Merges `patch` into the workspace's settings (other keys are kept). */
export async function mergeWorkspaceSettings(
  tx: Tx,
  id: string,
  patch: Record<string, unknown>,
): Promise<void> {
  await tx
    .update(workspaces)
    .set({ settings: sql`${workspaces.settings} || ${JSON.stringify(patch)}::jsonb` })
    .where(eq(workspaces.id, id))
}

/** Lets a paused workspace send again (the dispatcher skips workspaces while this is set). */
export async function clearSendingPause(tx: Tx, id: string): Promise<void> {
  await tx
    .update(workspaces)
    .set({ sendingPausedAt: null, sendingPausedReason: null })
    .where(eq(workspaces.id, id))
}

/** A business number, its WABA and token as Meta checked them, with what Meta said about it. */
export interface WhatsAppConnectionRow {
  readonly phoneNumberId: string
  /** Undefined leaves the stored WABA id as it is. */
  readonly wabaId: string | null | undefined
  /** Undefined leaves the stored token as it is. */
  readonly accessTokenEnc: string | undefined
  readonly checkedNumber: Record<string, unknown>
}

/** Stores a checked WhatsApp connection; the number's description goes into the settings. */
export async function updateWhatsAppConnection(
  tx: Tx,
  id: string,
  row: WhatsAppConnectionRow,
): Promise<void> {
  const patch = JSON.stringify({ whatsappNumber: row.checkedNumber })
  await tx
    .update(workspaces)
    .set({
      phoneNumberId: row.phoneNumberId,
      ...(row.wabaId !== undefined && { wabaId: row.wabaId }),
      ...(row.accessTokenEnc !== undefined && { accessTokenEnc: row.accessTokenEnc }),
      settings: sql`${workspaces.settings} || ${patch}::jsonb`,
    })
    .where(eq(workspaces.id, id))
}
