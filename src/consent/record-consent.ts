import type { Tx } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import type { ConsentMethod, ConsentScope } from '../db/schema.js'
import { eventApplies } from './state-rules.js'
import { insertConsentEvent, lockContactConsent, setContactConsent } from './consent.repo.js'
import { noteActivity } from '../conversations/activity.js'
import { skipQueuedSends } from '../outbound/outbound.repo.js'

// What a new state refuses of the sends already queued to the contact.
const SKIPPED_BY: Readonly<
  Record<string, 'contact_opted_out' | 'marketing_opted_out' | undefined>
> = { opted_out: 'contact_opted_out', stopped: 'marketing_opted_out' }

/** One consent change to apply to a contact. */
export interface ConsentChange {
  readonly contactId: string
  readonly scope: ConsentScope
  readonly state: string
  readonly method: ConsentMethod
  readonly occurredAt: Date
  readonly keyword?: string | undefined
  readonly language?: string | undefined
  readonly wamid?: string | undefined
  readonly actorUserId?: string | undefined
  readonly actorApiKeyId?: string | undefined
  readonly reason?: string | undefined
}

/** What a change did: its log entry, and the states before and after. */
export interface RecordedConsent {
  readonly eventId: string
  readonly previous: string
  readonly next: string
  /** The contact's state moved (a repeated STOP or a late, older event does not). */
  readonly changed: boolean
}

/** The workspace and the cipher that keys the phone and BSUID hashes. */
export interface ConsentScopeDeps {
  readonly workspaceId: string
  readonly cipher: FieldCipher
}

// A prefix keeps a BSUID's hash apart from a phone's, which is the phone's blind index.
const bsuidValue = (bsuid: string) => `bsuid:${bsuid}`

/** The keyed hash a contact's BSUID is logged under. */
export function bsuidHash(cipher: FieldCipher, bsuid: string): string {
  return cipher.blindIndex(bsuidValue(bsuid))
}

/** The BSUID's hash under every key of a rotation, for look-ups. */
export function bsuidHashes(cipher: FieldCipher, bsuid: string): string[] {
  return cipher.blindIndexes(bsuidValue(bsuid))
}

/**
 * Logs a consent change and applies it to the contact unless a newer event already decided the
 * state. Returns undefined when the contact is gone or this message's change was logged before
 * (a redelivered or replayed webhook), so nothing is applied or confirmed twice.
 */
export async function recordConsentChange(
  tx: Tx,
  deps: ConsentScopeDeps,
  change: ConsentChange,
): Promise<RecordedConsent | undefined> {
  const contact = await lockContactConsent(tx, change.contactId)
  if (contact === undefined) return undefined
  const current =
    change.scope === 'messaging'
      ? { state: contact.consentState, at: contact.consentAt }
      : { state: contact.marketingState, at: contact.marketingAt }
  const applies = eventApplies(change.scope, current, {
    state: change.state,
    at: change.occurredAt,
  })
  const next = applies ? change.state : current.state
  const { state: _requested, ...logged } = change
  const eventId = await insertConsentEvent(tx, {
    ...logged,
    workspaceId: deps.workspaceId,
    phoneHash: contact.phoneIndex,
    bsuidHash: contact.bsuid === null ? null : bsuidHash(deps.cipher, contact.bsuid),
    previousState: current.state,
    newState: next,
    superseded: !applies,
  })
  if (eventId === undefined) return undefined
  const changed = next !== current.state
  if (applies) {
    await setContactConsent(tx, change.contactId, change.scope, {
      state: next,
      at: change.occurredAt,
      eventId: changed ? eventId : undefined,
    })
    // Whatever was queued for them goes at once, in one statement, not one by one at dispatch.
    const refusal = SKIPPED_BY[next]
    if (changed && refusal) {
      await skipQueuedSends(tx, {
        workspaceId: deps.workspaceId,
        contactId: change.contactId,
        refusal,
      })
    }
    // An open thread swaps its composer for the notice (or back) on the live feed.
    await noteActivity(tx, { workspaceId: deps.workspaceId, contactId: change.contactId })
  }
  return { eventId, previous: current.state, next, changed }
}
