import { asc, desc, gt, lt, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { auditEntries } from '../db/schema.js'

/** The newest entry of the transaction's workspace, after taking the workspace's chain lock. */
export async function lockChainHead(tx: Tx, workspaceId: string) {
  // Entries of one workspace are appended one at a time, so each links to the one before.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`audit:${workspaceId}`}))`)
  const [head] = await tx
    .select({ seq: auditEntries.seq, hash: auditEntries.hash })
    .from(auditEntries)
    .orderBy(desc(auditEntries.seq))
    .limit(1)
  return head
}

/** Appends one entry. */
export async function insertAuditEntry(tx: Tx, row: typeof auditEntries.$inferInsert) {
  await tx.insert(auditEntries).values(row)
}

/** Up to `limit` entries of the transaction's workspace after `afterSeq`, oldest first. */
export function auditEntriesAfter(tx: Tx, afterSeq: number, limit: number) {
  return tx
    .select()
    .from(auditEntries)
    .where(gt(auditEntries.seq, afterSeq))
    .orderBy(asc(auditEntries.seq))
    .limit(limit)
}

/** Deletes entries older than `before` in every workspace (owner connection); returns how many. */
export async function deleteAuditEntriesBefore(tx: Tx, before: Date): Promise<number> {
  const deleted = await tx
    .delete(auditEntries)
    .where(lt(auditEntries.at, before))
    .returning({ id: auditEntries.id })
  return deleted.length
}
