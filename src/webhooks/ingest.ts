import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import { withSystem } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { phoneNumberIdsOf } from './envelope.js'
import { redactContent } from './redact.js'
import { AppError } from '../errors.js'
import { findRoutes, insertEvents, type NewWebhookEvent } from './webhooks.repo.js'
import { holdsIn } from '../consent/consent-holds.js'
import {
  awaitGatesOf,
  insertConsentHolds,
  type ConsentHold,
} from '../consent/consent-holds.repo.js'

interface Waiting {
  readonly rawBody: Buffer
  readonly payload: unknown
  readonly phoneNumberIds: string[]
  resolve(): void
  reject(error: unknown): void
}

/** Stores verified webhook bodies durably; `store` resolves only after its own commit. */
export interface WebhookIngest {
  store(rawBody: Buffer, payload: unknown): Promise<void>
}

interface IngestDeps {
  readonly db: Db
  readonly cipher: FieldCipher
  readonly log: Logger
  /** Called after each commit, so processing can start without waiting for a poll. */
  readonly onStored: () => void
}

/**
 * Group commit: requests that arrive while a batch is being written wait for the next batch,
 * which starts as soon as the previous one commits. One transaction then stores many events,
 * which is what keeps throughput up on a disk that syncs every commit.
 */
export function createWebhookIngest(deps: IngestDeps): WebhookIngest {
  let waiting: Waiting[] = []
  let writing = false

  async function writeBatches() {
    writing = true
    while (waiting.length > 0) {
      const batch = waiting
      waiting = []
      await writeBatch(deps, batch)
    }
    writing = false
  }

  return {
    store(rawBody, payload) {
      return new Promise<void>((resolve, reject) => {
        const phoneNumberIds = phoneNumberIdsOf(payload)
        waiting.push({ rawBody, payload, phoneNumberIds, resolve, reject })
        if (!writing) void writeBatches()
      })
    },
  }
}

// One body's problem never fails another: a batch that cannot be stored is written again one
// body at a time, so only the body at fault is refused. A body with a STOP is answered once the
// sends already checked against that contact are over (answerAfterGates).
async function writeBatch(deps: IngestDeps, batch: readonly Waiting[]): Promise<void> {
  try {
    const { refused, holds } = await persist(deps, batch)
    batch.forEach((w, i) => {
      const reason = refused.get(w)
      const own = holds[i] ?? []
      if (reason !== undefined) w.reject(reason)
      else if (own.length === 0) w.resolve()
      else void answerAfterGates(deps, w, own)
    })
    deps.onStored()
  } catch (error) {
    if (batch.length > 1) {
      for (const w of batch) await writeBatch(deps, [w])
      return
    }
    deps.log.error({ err: error }, 'storing a webhook event failed')
    batch.forEach((w) => {
      w.reject(error)
    })
  }
}

/**
 * Stores the batch and, in the same transaction, a consent hold for every STOP in it: the
 * opt-out then holds from the moment Meta gets its 200. Returns the bodies refused because they
 * cannot be stored, and each body's holds.
 */
async function persist(deps: IngestDeps, batch: readonly Waiting[]) {
  return withSystem(deps.db, async (tx) => {
    const phoneIds = [...new Set(batch.flatMap((w) => w.phoneNumberIds))]
    const routes = await findRoutes(tx, phoneIds)
    const prepared: { w: Waiting; event: NewWebhookEvent }[] = []
    const refused = new Map<Waiting, AppError>()
    for (const w of batch) {
      try {
        prepared.push({ w, event: toStoredEvent(deps.cipher, w, routes) })
      } catch (error) {
        // Redacting or serialising failed (e.g. nesting too deep for JSON.stringify): answering
        // 400 says this body cannot be taken, instead of a 500 Meta would retry for days.
        deps.log.warn({ err: error }, 'webhook body could not be prepared for storage: refused')
        refused.set(w, new AppError('malformed_payload', 'The signed body cannot be stored'))
      }
    }
    const stored =
      prepared.length > 0
        ? await insertEvents(
            tx,
            prepared.map((p) => p.event),
          )
        : new Set<string>()
    // A redelivered body was stored (and maybe processed) before: it holds nothing again.
    const storedNow = new Set(
      prepared.filter((p) => stored.has(p.event.bodySha256)).map((p) => p.w),
    )
    const holds = batch.map((w) =>
      storedNow.has(w) ? holdsIn(w.payload, routes, deps.cipher) : [],
    )
    await insertConsentHolds(tx, holds.flat())
    return { refused, holds }
  })
}

// A STOP is answered once no send that checked before its hold committed is still calling Meta
// (at most one call per contact): after the 200, no other message to that person starts.
async function answerAfterGates(deps: IngestDeps, waiting: Waiting, holds: ConsentHold[]) {
  try {
    await withSystem(deps.db, (tx) => awaitGatesOf(tx, holds))
    waiting.resolve()
  } catch (error) {
    deps.log.error({ err: error }, 'waiting for sends in flight to a STOP sender failed')
    waiting.reject(error)
  }
}

function toStoredEvent(
  cipher: FieldCipher,
  waiting: Waiting,
  routes: Awaited<ReturnType<typeof findRoutes>>,
): NewWebhookEvent {
  const phoneIds = waiting.phoneNumberIds
  const known = phoneIds.flatMap((id) => {
    const route = routes.get(id)
    return route ? [{ id, ...route }] : []
  })
  const withoutContent = new Map(
    known.filter((r) => !r.storeMessageContent).map((r) => [r.id, r.consent]),
  )
  // Privacy mode: content is dropped here, before the first write, not cleaned up afterwards.
  const body =
    withoutContent.size > 0
      ? JSON.stringify(redactContent(waiting.payload, withoutContent))
      : waiting.rawBody.toString('utf8')
  return {
    bodySha256: createHash('sha256').update(waiting.rawBody).digest('hex'),
    bodyEnc: cipher.encrypt(body),
    contentRedacted: withoutContent.size > 0,
    workspaceIds: [...new Set(known.map((r) => r.workspaceId))],
    unknownPhoneNumberIds: phoneIds.filter((id) => !routes.has(id)),
  }
}
