import { and, desc, gte, lt, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { auditEntries } from '../db/schema.js'

/** What the audit log is narrowed by; every given filter must match. */
export interface AuditLogFilter {
  readonly from?: Date | undefined
  readonly to?: Date | undefined
  /** Actions starting with this text: `consent` matches `consent.opt_out`. */
  readonly action?: string | undefined
  /** Only entries older than this one (keyset on the workspace's own sequence). */
  readonly beforeSeq?: number | undefined
  readonly limit: number
}

/** Audit entries of the transaction's workspace, newest first; returns limit + 1 rows at most. */
export function listAuditEntries(tx: Tx, filter: AuditLogFilter) {
  return tx
    .select({
      seq: auditEntries.seq,
      at: auditEntries.at,
      actorType: auditEntries.actorType,
      actorId: auditEntries.actorId,
      actorName: auditEntries.actorName,
      ip: auditEntries.ip,
      action: auditEntries.action,
      recordType: auditEntries.recordType,
      recordId: auditEntries.recordId,
      details: auditEntries.details,
    })
    .from(auditEntries)
    .where(and(...conditions(filter)))
    .orderBy(desc(auditEntries.seq))
    .limit(filter.limit + 1)
}

function conditions(filter: AuditLogFilter): (SQL | undefined)[] {
  const { from, to, action, beforeSeq } = filter
  return [
    from && gte(auditEntries.at, from),
    to && lt(auditEntries.at, to),
    // starts_with, not LIKE: a typed `_` or `%` is matched as itself.
    action ? sql`starts_with(${auditEntries.action}, ${action})` : undefined,
    beforeSeq === undefined ? undefined : lt(auditEntries.seq, beforeSeq),
  ]
}
