import type { Db } from '../db/client.js'
import { withSystem } from '../db/tenant.js'
import type { JobQueue } from '../jobs/types.js'
import { listFailedEvents, listMalformedEvents, requeueEvents } from './webhooks.repo.js'

const SHOWN = 50
/** How a processed event's `last_error` names the items left out as malformed. */
export const MALFORMED_PREFIX = 'malformed, left out: '
export const REASON_SEPARATOR = '; '

/**
 * Webhook events of one workspace that failed for good. Raw events are not tenant rows (one POST
 * can address several numbers), so this reads them as the owner, filtered to the workspace.
 */
export function listDeadLetters(db: Db, workspaceId: string) {
  return withSystem(db, (tx) => listFailedEvents(tx, workspaceId, SHOWN))
}

/**
 * Processed webhook events of one workspace in which items were left out as malformed, with
 * the reasons. Not replayable: the same bytes would be left out the same way.
 */
export async function listMalformedDeliveries(db: Db, workspaceId: string) {
  const rows = await withSystem(db, (tx) => listMalformedEvents(tx, workspaceId, SHOWN))
  return rows.map(({ id, receivedAt, malformed }) => ({
    id,
    receivedAt,
    reasons: (malformed ?? '').replace(MALFORMED_PREFIX, '').split(REASON_SEPARATOR),
  }))
}

/** Puts a workspace's failed events back in the queue and wakes the processing job. */
export async function replayDeadLetters(
  deps: { db: Db; jobs: JobQueue },
  workspaceId: string,
  now: Date,
): Promise<number> {
  const requeued = await withSystem(deps.db, (tx) =>
    requeueEvents(tx, { onlyFailed: true, workspaceId, now }),
  )
  if (requeued > 0) await deps.jobs.enqueue('webhooks.process', {})
  return requeued
}
