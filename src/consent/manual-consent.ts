import { isUuid, type Tx } from '../db/tenant.js'
import type { ConsentScope } from '../db/schema.js'
import { AppError } from '../errors.js'
import type { Actor } from '../actor.js'
import { loadContactRow, consentJson } from '../contacts/show-contact.js'
import { recordConsentChange, type ConsentScopeDeps } from './record-consent.js'
import { lockContactConsent } from './consent.repo.js'

/** A consent change made by a person rather than by the contact. */
export interface ManualChange {
  readonly contactId: string
  readonly direction: 'opt_out' | 'opt_in'
  readonly scope: ConsentScope
  readonly actor: Actor
  readonly reason?: string | undefined
}

// The consent log's method says how the change came: a person by hand, a key, or a job.
const METHOD_OF = { user: 'manual', api_key: 'api', system: 'system' } as const

const NEW_STATE = {
  messaging: { opt_out: 'opted_out', opt_in: 'subscribed' },
  marketing: { opt_out: 'stopped', opt_in: 'allowed' },
} as const

/** The longest reason kept in the log. */
export const MAX_REASON_LENGTH = 500

/**
 * Opts a contact out or back in on someone's word, logged with who did it and why. Opting back
 * in needs a reason (the caller checks the role: owner or admin). A change to the state the
 * contact is already in writes nothing: the log holds changes, not clicks. Answers the contact's
 * consent and whether a log entry was written.
 */
export async function changeConsentByHand(
  tx: Tx,
  deps: ConsentScopeDeps & { readonly now: Date },
  change: ManualChange,
) {
  const reason = change.reason?.trim() || undefined
  if (change.direction === 'opt_in' && reason === undefined) {
    throw new AppError('validation_failed', 'Opting a contact back in needs a reason')
  }
  if (reason !== undefined && reason.length > MAX_REASON_LENGTH) {
    throw new AppError(
      'validation_failed',
      `The reason must be at most ${MAX_REASON_LENGTH} characters`,
    )
  }
  if (!isUuid(change.contactId)) throw new AppError('not_found')
  const current = await lockContactConsent(tx, change.contactId)
  if (current === undefined) throw new AppError('not_found')
  const state = NEW_STATE[change.scope][change.direction]
  const held = change.scope === 'messaging' ? current.consentState : current.marketingState
  if (held === state) {
    return { consent: consentJson(await loadContactRow(tx, change.contactId)), written: false }
  }
  const { actor } = change
  // Without a wamid nothing is deduplicated: undefined means the contact is not in this workspace.
  const recorded = await recordConsentChange(tx, deps, {
    contactId: change.contactId,
    scope: change.scope,
    state,
    method: METHOD_OF[actor.kind],
    occurredAt: deps.now,
    reason,
    actorUserId: actor.kind === 'user' ? actor.id : undefined,
    actorApiKeyId: actor.kind === 'api_key' ? actor.id : undefined,
  })
  if (recorded === undefined) throw new AppError('not_found')
  const consent = consentJson(await loadContactRow(tx, change.contactId))
  return { consent, written: true }
}
