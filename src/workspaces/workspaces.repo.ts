import { eq } from 'drizzle-orm'
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
