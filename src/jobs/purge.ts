import type { Db } from '../db/client.js'
import { withSystem } from '../db/tenant.js'
import { deleteFinishedJobs } from './jobs.repo.js'

// Long enough to look at a failed job's reason the next morning.
const FINISHED_JOB_RETENTION_MS = 24 * 60 * 60 * 1000

/** Deletes finished one-off job rows older than a day; safe to run any number of times. */
export function purgeFinishedJobs(db: Db, now: Date): Promise<number> {
  return withSystem(db, (tx) =>
    deleteFinishedJobs(tx, new Date(now.getTime() - FINISHED_JOB_RETENTION_MS)),
  )
}
