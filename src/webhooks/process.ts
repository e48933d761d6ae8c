import type { JobDeps } from '../jobs/registry.js'
import { withSystem, withTenant } from '../db/tenant.js'
import type { MediaToFetch } from '../messages/record-inbound.js'
import { changesOf, MalformedEventError, phoneNumberIdsOf } from './envelope.js'
import { applyChange } from './apply-change.js'
import { claimDueEvents, findRoutes, recordOutcome, type ClaimedEvent } from './webhooks.repo.js'

const CLAIM_BATCH = 50
// Long enough for a slow batch; a crashed worker's events are picked up again after it.
const LEASE_MS = 2 * 60_000
/** Attempts before an event is parked as failed (the dead letter). */
export const MAX_ATTEMPTS = 5
const FIRST_RETRY_MS = 30_000
// Fields Parley acts on; other subscribed fields are kept in the raw event only.
const APPLIED_FIELDS = new Set(['messages', 'user_preferences'])

/** What one run did, for logs, tests and the replay command. */
export interface ProcessReport {
  processed: number
  retrying: number
  failed: number
}

/** Processes every due stored event until none is left. Safe to run on many workers at once. */
export async function processDueEvents(deps: JobDeps): Promise<ProcessReport> {
  const report: ProcessReport = { processed: 0, retrying: 0, failed: 0 }
  for (;;) {
    const now = deps.now()
    const claimed = await withSystem(deps.db, (tx) =>
      claimDueEvents(tx, {
        now,
        leaseUntil: new Date(now.getTime() + LEASE_MS),
        limit: CLAIM_BATCH,
      }),
    )
    if (claimed.length === 0) return report
    for (const event of claimed) report[await processEvent(deps, event)] += 1
  }
}

async function processEvent(deps: JobDeps, event: ClaimedEvent): Promise<keyof ProcessReport> {
  try {
    const routing = await applyEvent(deps, event)
    await withSystem(deps.db, (tx) =>
      recordOutcome(tx, event.id, { state: 'processed', now: deps.now(), routing }),
    )
    if (routing.unknownPhoneNumberIds.length > 0) {
      deps.log.warn(
        { eventId: event.id, ...routing },
        'webhook for a number no workspace owns: kept',
      )
    }
    return 'processed'
  } catch (error) {
    return recordFailure(deps, event, error)
  }
}

async function recordFailure(deps: JobDeps, event: ClaimedEvent, error: unknown) {
  const now = deps.now()
  const message = error instanceof Error ? error.message : String(error)
  const giveUp = error instanceof MalformedEventError || event.attempts >= MAX_ATTEMPTS
  const retryAt = new Date(now.getTime() + FIRST_RETRY_MS * 4 ** (event.attempts - 1))
  await withSystem(deps.db, (tx) =>
    recordOutcome(tx, event.id, {
      state: giveUp ? 'failed' : 'pending',
      now,
      error: message,
      ...(!giveUp && { retryAt }),
    }),
  )
  const log = { err: error, eventId: event.id, attempts: event.attempts }
  if (giveUp) deps.log.error(log, 'webhook event failed for good: parked for replay')
  else deps.log.warn({ ...log, retryAt }, 'webhook event failed: will retry')
  return giveUp ? 'failed' : 'retrying'
}

async function applyEvent(deps: JobDeps, event: ClaimedEvent) {
  const payload: unknown = JSON.parse(deps.cipher.decrypt(event.bodyEnc))
  const changes = changesOf(payload)
  const routes = await withSystem(deps.db, (tx) => findRoutes(tx, phoneNumberIdsOf(payload)))
  const unknown = new Set<string>()
  const media: MediaToFetch[] = []
  for (const change of changes) {
    const phoneNumberId = change.value.metadata?.phone_number_id
    if (!APPLIED_FIELDS.has(change.field) || phoneNumberId === undefined) continue
    const route = routes.get(phoneNumberId)
    if (route === undefined) {
      unknown.add(phoneNumberId)
      continue
    }
    const scope = {
      ...route,
      cipher: deps.cipher,
      storeContent: route.storeMessageContent,
      receivedAt: event.receivedAt,
      eventId: event.id,
      position: change.position,
    }
    media.push(
      ...(await withTenant(deps.db, route.workspaceId, (tx) =>
        applyChange(tx, scope, change.value),
      )),
    )
  }
  for (const item of media) await deps.jobs.enqueue('whatsapp.download-media', item)
  const workspaceIds = [...new Set([...routes.values()].map((r) => r.workspaceId))]
  return { workspaceIds, unknownPhoneNumberIds: [...unknown] }
}
