import { and, asc, count, desc, eq, gt, lt, sql } from 'drizzle-orm'
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

/**
 * How many entries of this action one actor made in the transaction's workspace since `since`
 * (only those whose details[key] is value, when `detail` is given).
 */
export async function countRecentActions(
  tx: Tx,
  recent: { actorId: string; action: string; since: Date; detail?: [string, string] | undefined },
): Promise<number> {
  const { detail } = recent
  const [row] = await tx
    .select({ n: count() })
    .from(auditEntries)
    .where(
      and(
        gt(auditEntries.at, recent.since),
        eq(auditEntries.actorId, recent.actorId),
        eq(auditEntries.action, recent.action),
        detail && sql`${auditEntries.details} ->> ${detail[0]} = ${detail[1]}`,
      ),
    )
  return row?.n ?? 0
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
