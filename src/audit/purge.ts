import type { Db } from '../db/client.js'
import { withSystem } from '../db/tenant.js'
import { deleteAuditEntriesBefore } from './audit.repo.js'

/** Audit entries are kept for a year (the consent log is kept forever and is not touched here). */
export const AUDIT_RETENTION_DAYS = 365

/** Deletes audit entries older than the retention; the oldest remaining entry starts each chain. */
export function purgeOldAuditEntries(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - AUDIT_RETENTION_DAYS * 24 * 3600_000)
  return withSystem(db, (tx) => deleteAuditEntriesBefore(tx, before))
}
