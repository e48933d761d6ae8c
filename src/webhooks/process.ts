import type { JobDeps } from '../jobs/types.js'
import { withSystem } from '../db/tenant.js'
import { MalformedEventError } from './envelope.js'
import { storableError } from './clean-payload.js'
import { MALFORMED_PREFIX, REASON_SEPARATOR } from './dead-letters.js'
import { applyEvents, type Routing } from './apply-events.js'
import { isLockConflict } from '../db/sql-errors.js'
import {
  claimDueEvents,
  markProcessed,
  recordFailedAttempt,
  releaseEvent,
  type ClaimedEvent,
} from './webhooks.repo.js'

const CLAIM_BATCH = 50
// A batch takes well under a second; a crashed worker's events come back after this.
const LEASE_MS = 30_000
// Attempts before an event is parked as failed (the dead letter).
const MAX_ATTEMPTS = 5
const FIRST_RETRY_MS = 30_000

/** What one run did, for logs, tests and the replay command. */
export interface ProcessReport {
  processed: number
  retrying: number
  failed: number
}

/**
 * Processes due stored events until none is left or the process is shutting down. Safe to run
 * on many workers at once: each batch is leased to one of them.
 */
export async function processDueEvents(deps: JobDeps): Promise<ProcessReport> {
  const report: ProcessReport = { processed: 0, retrying: 0, failed: 0 }
  while (!deps.shutdown.aborted) {
    const now = deps.now()
    const claimed = await withSystem(deps.db, (tx) =>
      claimDueEvents(tx, {
        now,
        leaseUntil: new Date(now.getTime() + LEASE_MS),
        limit: CLAIM_BATCH,
      }),
    )
    if (claimed.length === 0) break
    await processBatch(deps, claimed, report)
  }
  return report
}

// The whole batch in one transaction per workspace; if anything in it fails, each event is
// retried alone so one bad event cannot hold back the others.
async function processBatch(deps: JobDeps, events: ClaimedEvent[], report: ProcessReport) {
  try {
    await finish(deps, events, await applyEvents(deps, events))
    report.processed += events.length
  } catch {
    for (const event of events) report[await processAlone(deps, event)] += 1
  }
}

async function processAlone(deps: JobDeps, event: ClaimedEvent): Promise<keyof ProcessReport> {
  try {
    await finish(deps, [event], await applyEvents(deps, [event]))
    return 'processed'
  } catch (error) {
    return recordFailure(deps, event, error).catch((recordError: unknown) => {
      // Not even the failure could be written (the database went away): the lease runs out and
      // the event comes back, while the rest of the batch still gets its turn.
      deps.log.error({ err: recordError, eventId: event.id }, 'recording a webhook failure failed')
      return 'retrying' as const
    })
  }
}

async function finish(deps: JobDeps, events: ClaimedEvent[], routing: Map<number, Routing>) {
  const malformed = new Map(
    [...routing]
      .filter(([, r]) => r.malformed.length > 0)
      .map(([id, r]) => [
        id,
        storableError(`${MALFORMED_PREFIX}${r.malformed.join(REASON_SEPARATOR)}`),
      ]),
  )
  await withSystem(deps.db, (tx) => markProcessed(tx, deps.now(), routing, malformed))
  for (const event of events) {
    const { unknownPhoneNumberIds: unknown = [], malformed: items = [] } =
      routing.get(event.id) ?? {}
    if (unknown.length > 0) {
      deps.log.warn({ eventId: event.id, unknown }, 'webhook for a number no workspace owns: kept')
    }
    if (items.length > 0) deps.log.warn({ eventId: event.id, items }, 'malformed items left out')
  }
}

async function recordFailure(deps: JobDeps, event: ClaimedEvent, error: unknown) {
  const now = deps.now()
  if (isLockConflict(error)) {
    // Still losing lock conflicts after the retries: due again in a second, not a failed attempt.
    await withSystem(deps.db, (tx) => releaseEvent(tx, event.id, new Date(now.getTime() + 1000)))
    deps.log.warn({ eventId: event.id }, 'webhook event lost a lock conflict: due again')
    return 'retrying'
  }
  // A database error's message carries its SQL and parameters: keep it short and storable.
  const message = storableError(error instanceof Error ? error.message : String(error))
  const giveUp = error instanceof MalformedEventError || event.attempts >= MAX_ATTEMPTS
  const retryAt = new Date(now.getTime() + FIRST_RETRY_MS * 4 ** (event.attempts - 1))
  await withSystem(deps.db, (tx) =>
    recordFailedAttempt(tx, event.id, { error: message, now, ...(!giveUp && { retryAt }) }),
  )
  const log = { err: error, eventId: event.id, attempts: event.attempts }
  if (giveUp) deps.log.error(log, 'webhook event failed for good: parked for replay')
  else deps.log.warn({ ...log, retryAt }, 'webhook event failed: will retry')
  return giveUp ? 'failed' : 'retrying'
}
