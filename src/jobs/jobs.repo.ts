import { sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'

/**
 * Deletes one-off jobs that finished before `before` (agenda keeps every finished job row;
 * the processing kick alone adds several a second under load). Recurring jobs are kept.
 */
export async function deleteFinishedJobs(tx: Tx, before: Date): Promise<number> {
  const result = await tx.execute(sql`
    delete from agenda_jobs
    where type = 'normal' and next_run_at is null and last_finished_at < ${before}`)
  return result.rowCount ?? 0
}
