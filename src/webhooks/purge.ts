import type { Db } from '../db/client.js'
import { withSystem } from '../db/tenant.js'
import { deleteProcessedEvents } from './webhooks.repo.js'

// Raw events hold message content (encrypted): once processed they are kept 30 days for
// replays, then hard-deleted like any other deleted data.
const RAW_EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000

/** Deletes processed raw webhook events past their retention; safe to run any number of times. */
export function purgeProcessedEvents(db: Db, now: Date): Promise<number> {
  return withSystem(db, (tx) =>
    deleteProcessedEvents(tx, new Date(now.getTime() - RAW_EVENT_RETENTION_MS)),
  )
}
