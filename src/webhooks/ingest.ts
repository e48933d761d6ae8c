import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import { withSystem } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { phoneNumberIdsOf } from './envelope.js'
import { redactContent } from './redact.js'
import { findRoutes, insertEvents, type NewWebhookEvent } from './webhooks.repo.js'

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
      try {
        await persist(deps, batch)
        batch.forEach((w) => {
          w.resolve()
        })
        deps.onStored()
      } catch (error) {
        deps.log.error({ err: error, events: batch.length }, 'storing webhook events failed')
        batch.forEach((w) => {
          w.reject(error)
        })
      }
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

async function persist(deps: IngestDeps, batch: readonly Waiting[]): Promise<void> {
  await withSystem(deps.db, async (tx) => {
    const phoneIds = [...new Set(batch.flatMap((w) => w.phoneNumberIds))]
    const routes = await findRoutes(tx, phoneIds)
    const events = batch.map((w) => toStoredEvent(deps.cipher, w, routes))
    await insertEvents(tx, events)
  })
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
