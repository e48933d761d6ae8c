import {
  refusalFor,
  SERVICE_WINDOW_MS,
  type GateContact,
  type SendRefusal,
} from '../outbound/gate-rules.js'
import type { SendCategory } from '../db/schema.js'

/** What the composer offers: free text while the window is open, templates after, nothing when opted out. */
export type ComposerMode =
  | { readonly kind: 'free_text'; readonly windowClosesAt: Date }
  | { readonly kind: 'templates_only' }
  | { readonly kind: 'opted_out' }

/**
 * The composer asks the send gate itself, so what it offers and what the gate lets through
 * cannot disagree.
 */
export function composerModeOf(contact: GateContact, now: Date): ComposerMode {
  const refusal = refusalFor(contact, { category: 'service', origin: 'console' }, now)
  if (refusal === 'contact_opted_out') return { kind: 'opted_out' }
  if (refusal === 'outside_service_window' || contact.lastInboundAt === null) {
    return { kind: 'templates_only' }
  }
  return {
    kind: 'free_text',
    windowClosesAt: new Date(contact.lastInboundAt.getTime() + SERVICE_WINDOW_MS),
  }
}

/** Why the gate would refuse a template of this category now, if it would. */
export function templateRefusal(
  contact: GateContact,
  category: SendCategory,
  now: Date,
): SendRefusal | undefined {
  return refusalFor(contact, { category, origin: 'console' }, now)
}
