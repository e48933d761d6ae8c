import { eq, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { workspaces } from '../db/schema.js'
import type { CheckedNumber } from './whatsapp-rules.js'
import { parseSettings, type ParsedSettings, type SettingsPatch } from './settings-schema.js'

/** Inserts a workspace (system transaction: the workspace does not exist yet). */
export async function insertWorkspace(
  tx: Tx,
  row: typeof workspaces.$inferInsert,
): Promise<string> {
  const [created] = await tx.insert(workspaces).values(row).returning({ id: workspaces.id })
  if (!created) throw new Error('workspace insert returned no row')
  return created.id
}

/** The workspace visible to this transaction, its settings parsed. */
export async function findWorkspace(tx: Tx, id: string) {
  const [row] = await tx.select().from(workspaces).where(eq(workspaces.id, id))
  return row && { ...row, settings: parseSettings(row.settings) }
}

/** The settings of the workspace visible to this transaction (defaults when it is not). */
export async function loadWorkspaceSettings(tx: Tx, id: string): Promise<ParsedSettings> {
  const [row] = await tx
    .select({ settings: workspaces.settings })
    .from(workspaces)
    .where(eq(workspaces.id, id))
  return parseSettings(row?.settings)
}

/**
 * The typed settings of the workspaces `where` picks (a condition on `w`); few rows, read
 * before a statement over many workspaces that needs one of their settings.
 */
export async function settingsOfWorkspaces(tx: Tx, where: SQL) {
  const rows = await tx.execute<{ id: string; settings: unknown }>(
    sql`select w.id, w.settings from workspaces w where ${where}`,
  )
  return rows.rows.map((r) => ({ id: r.id, settings: parseSettings(r.settings) }))
}

/** Merges `patch` into the workspace's settings (other keys are kept). */
export async function mergeWorkspaceSettings(
  tx: Tx,
  id: string,
  patch: SettingsPatch,
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
  readonly checkedNumber: CheckedNumber
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
