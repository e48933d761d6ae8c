import type { JobDeps } from '../jobs/types.js'
import { withSystem } from '../db/tenant.js'
import { failStalePendingMedia, findPendingMedia } from './media.repo.js'

// A younger pending row most likely has its job queued or running right now.
const GRACE_MS = 60_000
// Meta keeps a webhook's media id downloadable for 7 days (reference §9); after that, give up.
const MEDIA_ID_LIFETIME_MS = 7 * 24 * 60 * 60_000
const BATCH = 100

/** What one sweep did. */
export interface MediaSweepReport {
  readonly enqueued: number
  readonly expired: number
}

/**
 * Re-enqueues downloads for media still pending (a crash between commit and enqueue, or a
 * transient failure), across workspaces, and marks media past Meta's 7 days as failed.
 */
export async function sweepPendingMedia(deps: JobDeps): Promise<MediaSweepReport> {
  const now = deps.now().getTime()
  const cutoff = new Date(now - MEDIA_ID_LIFETIME_MS)
  const { due, expired } = await withSystem(deps.db, async (tx) => ({
    expired: await failStalePendingMedia(tx, cutoff),
    due: await findPendingMedia(tx, {
      after: cutoff,
      before: new Date(now - GRACE_MS),
      limit: BATCH,
    }),
  }))
  for (const item of due) await deps.jobs.enqueue('whatsapp.download-media', item)
  if (expired > 0) deps.log.warn({ expired }, 'pending media older than 7 days: marked failed')
  return { enqueued: due.length, expired }
}
