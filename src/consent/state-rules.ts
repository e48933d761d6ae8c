import type { ConsentScope } from '../db/schema.js'

/** A contact's state in one scope and the time of the event that set it. */
export interface ScopeState {
  readonly state: string
  readonly at: Date | null
}

/** The state that stops messages in each scope: on a tie it wins, as the safe error. */
export const RESTRICTIVE_STATE: Readonly<Record<ConsentScope, string>> = {
  messaging: 'opted_out',
  marketing: 'stopped',
}

/**
 * Whether a consent event takes effect. Events arrive out of order (Meta retries, redeliveries,
 * replays), so the latest by event time wins. Meta's times have whole seconds: a STOP and a START
 * in the same second cannot be ordered, and the restrictive one is kept.
 */
export function eventApplies(
  scope: ConsentScope,
  current: ScopeState,
  event: { readonly state: string; readonly at: Date },
): boolean {
  if (current.at === null) return true
  const delta = event.at.getTime() - current.at.getTime()
  if (delta !== 0) return delta > 0
  return event.state === RESTRICTIVE_STATE[scope]
}
