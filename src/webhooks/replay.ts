import type { JobDeps } from '../jobs/types.js'
import { withSystem } from '../db/tenant.js'
import { processDueEvents, type ProcessReport } from './process.js'
import { requeueEvents } from './webhooks.repo.js'

/** Which stored events to process again. */
export interface ReplayFilter {
  readonly since?: Date | undefined
  readonly onlyFailed: boolean
}

/**
 * Puts stored events back in the queue and processes them now. Effects are idempotent (unique
 * wamid, unique (wamid, status)), so replaying what was already applied changes nothing.
 */
export async function replayWebhookEvents(
  deps: JobDeps,
  filter: ReplayFilter,
): Promise<ProcessReport & { requeued: number }> {
  const requeued = await withSystem(deps.db, (tx) =>
    requeueEvents(tx, { ...filter, now: deps.now() }),
  )
  return { requeued, ...(await processDueEvents(deps)) }
}
