import type { Tx } from '../db/tenant.js'
import type { InboundMessage } from '../whatsapp/cloud-api.js'
import { queueSend } from '../outbound/queue-send.js'
import { classifyConsent, confirmationFor } from './rules.js'
import { isOptOutButton, type WorkspaceConsent } from './settings.js'
import { deleteConsentHolds } from './consent-holds.repo.js'
import {
  recordConsentChange,
  type ConsentScopeDeps,
  type RecordedConsent,
} from './record-consent.js'

/** The workspace's consent settings, with what logging a change needs. */
export interface InboundConsentScope extends ConsentScopeDeps {
  readonly consent: WorkspaceConsent
  readonly now: Date
}

const STATE_OF = { opt_out: 'opted_out', opt_in: 'subscribed' } as const

/**
 * Applies what an inbound message says about consent: a STOP/START keyword changes the
 * contact's messaging state and is confirmed once; the workspace's opt-out button stops
 * marketing. Returns how many confirmations were queued.
 */
export async function applyInboundConsent(
  tx: Tx,
  scope: InboundConsentScope,
  message: InboundMessage,
  contact: { readonly id: string; readonly sentAt: Date },
): Promise<number> {
  const base = { contactId: contact.id, wamid: message.id, occurredAt: contact.sentAt }
  if (
    message.type === 'button' &&
    message.button &&
    isOptOutButton(scope.consent, message.button)
  ) {
    const keyword = message.button.payload ?? message.button.text
    await recordConsentChange(tx, scope, {
      ...base,
      scope: 'marketing',
      state: 'stopped',
      method: 'button',
      keyword,
    })
    return 0
  }
  const body = message.type === 'text' ? message.text?.body : undefined
  // Ingest held the sender for a STOP; from here the recorded state decides (whatever it is).
  if (body !== undefined) await deleteConsentHolds(tx, message.id)
  const decision = body === undefined ? undefined : classifyConsent(body, scope.consent.lists)
  if (decision === undefined || decision.intent === 'none') return 0
  const { intent, keyword, language } = decision
  const recorded = await recordConsentChange(tx, scope, {
    ...base,
    scope: 'messaging',
    state: STATE_OF[intent],
    method: 'keyword',
    keyword,
    language,
  })
  if (!recorded?.changed) return 0
  const text = confirmationFor(intent, language, scope.consent.overrides)
  return confirm(tx, scope, contact.id, recorded, text)
}

// One confirmation per change: its idempotency key is the change's log entry.
async function confirm(
  tx: Tx,
  scope: InboundConsentScope,
  contactId: string,
  recorded: RecordedConsent,
  text: string,
): Promise<number> {
  const result = await queueSend(tx, scope, {
    contactId,
    content: { kind: 'text', text },
    origin: 'confirmation',
    idempotencyKey: `consent:${recorded.eventId}`,
    consentEventId: recorded.eventId,
  })
  return 'queued' in result && result.created ? 1 : 0
}
