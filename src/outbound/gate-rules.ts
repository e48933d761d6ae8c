import type { SendCategory, SendOrigin } from '../db/schema.js'

/** Meta's customer service window: free-form messages only within 24 hours of the contact's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000

/** Why the gate refuses a send; each is also the API's error code. */
export type SendRefusal =
  'contact_opted_out' | 'marketing_opted_out' | 'outside_service_window' | 'confirmation_superseded'

/** What the gate knows of the contact when it decides. */
export interface GateContact {
  readonly consentState: string
  /** The consent change a confirmation may answer: the contact's latest change. */
  readonly consentEventId: string | null
  readonly marketingState: string
  readonly lastInboundAt: Date | null
  /** A STOP acknowledged to Meta that processing has not recorded yet (consent-holds.ts). */
  readonly consentHeld?: boolean
}

/** What the gate knows of the send. */
export interface GateSend {
  readonly category: SendCategory
  readonly origin: SendOrigin
  readonly consentEventId?: string | null
}

/**
 * The one decision every send passes, when it is queued and again just before the call to Meta.
 * An opted-out contact gets nothing but the confirmation of their latest change; a stopped one
 * gets no marketing; free-form text needs the 24-hour window (templates do not).
 */
export function refusalFor(
  contact: GateContact,
  send: GateSend,
  now: Date,
): SendRefusal | undefined {
  const optedOut = contact.consentState !== 'subscribed' || contact.consentHeld === true
  if (send.origin === 'confirmation' && !confirms(contact, send)) {
    // "You have unsubscribed" must not reach someone who has since opted back in, nor the reverse.
    return contact.consentState === 'subscribed' ? 'confirmation_superseded' : 'contact_opted_out'
  }
  // A START's confirmation is stale once a STOP is on hold: that STOP's own reply follows.
  if (
    send.origin === 'confirmation' &&
    contact.consentHeld &&
    contact.consentState === 'subscribed'
  ) {
    return 'confirmation_superseded'
  }
  if (optedOut && send.origin !== 'confirmation') {
    return 'contact_opted_out'
  }
  if (send.category === 'marketing' && contact.marketingState !== 'allowed') {
    return 'marketing_opted_out'
  }
  if (send.category === 'service' && !insideWindow(contact.lastInboundAt, now)) {
    return 'outside_service_window'
  }
  return undefined
}

function confirms(contact: GateContact, send: GateSend): boolean {
  return send.consentEventId != null && send.consentEventId === contact.consentEventId
}

/** True while the contact's last message is less than 24 hours old. */
export function insideWindow(lastInboundAt: Date | null, now: Date): boolean {
  return lastInboundAt !== null && now.getTime() - lastInboundAt.getTime() < SERVICE_WINDOW_MS
}
