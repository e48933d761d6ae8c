import type { JobDeps } from '../jobs/types.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { withSystem, withTenant, type Tx } from '../db/tenant.js'
import type { MediaToFetch } from '../messages/record-inbound.js'
import {
  changesOf,
  MalformedEventError,
  phoneNumberIdsIn,
  type EnvelopeChange,
} from './envelope.js'
import { parseWebhookJson, withoutNul } from './clean-payload.js'
import { checkChange } from './item-shapes.js'
import { applyChange, type ChangeScope } from './apply-change.js'
import { retryLockConflicts } from '../db/lock-retry.js'
import { lockConsentContacts } from '../consent/consent-lock-order.js'
import { findRoutes, type ClaimedEvent, type WorkspaceRoute } from './webhooks.repo.js'

// Fields Parley acts on; other subscribed fields are kept in the raw event only.
const APPLIED_FIELDS = new Set(['messages', 'user_preferences'])

/**
 * Which workspaces an event reached, the numbers in it that no workspace owns, and the items
 * left out as malformed.
 */
export interface Routing {
  workspaceIds: string[]
  unknownPhoneNumberIds: string[]
  malformed: string[]
}

interface Parsed {
  readonly event: ClaimedEvent
  readonly changes: EnvelopeChange[]
  readonly phoneNumberIds: string[]
  readonly malformed: string[]
}

function parse(deps: JobDeps, event: ClaimedEvent): Parsed {
  const payload = withoutNul(decode(deps.cipher.decrypt(event.bodyEnc)))
  const malformed: string[] = []
  const changes = changesOf(payload).map((change) => {
    if (!APPLIED_FIELDS.has(change.field)) return change
    const checked = checkChange(change.value, change.position)
    malformed.push(...checked.malformed)
    return { ...change, value: checked.value }
  })
  return { event, changes, phoneNumberIds: phoneNumberIdsIn(changes), malformed }
}

// The body was JSON when it was signed and stored; if it no longer parses, retrying will not help.
function decode(text: string): unknown {
  try {
    return parseWebhookJson(text)
  } catch {
    throw new MalformedEventError('the stored body is not JSON')
  }
}

/**
 * Applies every change of these events, in order, with one transaction per workspace; then
 * queues the media downloads. Throws if anything fails (the caller retries event by event).
 */
export async function applyEvents(
  deps: JobDeps,
  events: ClaimedEvent[],
): Promise<Map<number, Routing>> {
  const parsed = events.map((event) => parse(deps, event))
  const phoneIds = [...new Set(parsed.flatMap((p) => p.phoneNumberIds))]
  const routes = await withSystem(deps.db, (tx) => findRoutes(tx, phoneIds))
  const media: MediaToFetch[] = []
  let sendsQueued = 0
  for (const [workspaceId, work] of groupByWorkspace(parsed, routes, deps)) {
    // A deadlock victim is run again at once: it is not a failed attempt of these events.
    const effects = await retryLockConflicts(() =>
      withTenant(deps.db, workspaceId, (tx) => applyWork(tx, deps.cipher, work)),
    )
    media.push(...effects.media)
    sendsQueued += effects.sendsQueued
  }
  for (const item of media) await deps.jobs.enqueue('whatsapp.download-media', item)
  if (sendsQueued > 0) await deps.jobs.enqueue('outbound.dispatch', {})
  return new Map(parsed.map((p) => [p.event.id, routingOf(p, routes)]))
}

type Work = { scope: ChangeScope; change: EnvelopeChange['value'] }[]

// The contacts whose consent may change are locked first, before anything else of theirs.
async function applyWork(tx: Tx, cipher: FieldCipher, work: Work) {
  const effects = { media: [] as MediaToFetch[], sendsQueued: 0 }
  const consent = work[0]?.scope.consent
  if (consent)
    await lockConsentContacts(
      tx,
      { cipher, consent },
      work.map((w) => w.change),
    )
  for (const { scope, change } of work) {
    const applied = await applyChange(tx, scope, change)
    effects.media.push(...applied.media)
    effects.sendsQueued += applied.sendsQueued
  }
  return effects
}

function groupByWorkspace(
  parsed: Parsed[],
  routes: Map<string, WorkspaceRoute>,
  deps: { cipher: FieldCipher; now(): Date },
): Map<string, Work> {
  const now = deps.now()
  const byWorkspace = new Map<string, Work>()
  for (const { event, changes } of parsed) {
    for (const change of changes) {
      const phoneNumberId = change.value.metadata?.phone_number_id
      const route = phoneNumberId === undefined ? undefined : routes.get(phoneNumberId)
      if (!APPLIED_FIELDS.has(change.field) || route === undefined) continue
      const work = byWorkspace.get(route.workspaceId) ?? []
      const scope = { ...scopeOf(route, event, change), cipher: deps.cipher, now }
      work.push({ scope, change: change.value })
      byWorkspace.set(route.workspaceId, work)
    }
  }
  return byWorkspace
}

function scopeOf(route: WorkspaceRoute, event: ClaimedEvent, change: EnvelopeChange) {
  return {
    workspaceId: route.workspaceId,
    storeContent: route.storeMessageContent,
    roundRobin: route.roundRobin,
    consent: route.consent,
    receivedAt: event.receivedAt,
    eventId: event.id,
    position: change.position,
  }
}

function routingOf(parsed: Parsed, routes: Map<string, WorkspaceRoute>): Routing {
  const known = parsed.phoneNumberIds.flatMap((id) => routes.get(id)?.workspaceId ?? [])
  return {
    workspaceIds: [...new Set(known)],
    unknownPhoneNumberIds: parsed.phoneNumberIds.filter((id) => !routes.has(id)),
    malformed: parsed.malformed,
  }
}
