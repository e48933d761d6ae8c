import type { Logger } from 'pino'
import { afterCommit, type Tx } from '../db/tenant.js'
import type { JobName, JobPayload, JobQueue } from './types.js'

/**
 * Enqueues a job once `tx` has committed, for use cases that decide on work inside a
 * transaction. A failed enqueue is logged, not thrown: what the transaction did is committed.
 */
export function enqueueAfterCommit<N extends JobName>(
  tx: Tx,
  deps: { jobs: JobQueue; log: Logger },
  job: { name: N; payload: JobPayload<N> },
): void {
  afterCommit(tx, () =>
    deps.jobs.enqueue(job.name, job.payload).catch((error: unknown) => {
      deps.log.error({ err: error, job: job.name }, 'could not enqueue a job after commit')
    }),
  )
}
