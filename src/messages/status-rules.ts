import type { DeliveryState } from '../db/schema.js'

// Forward order of an outbound message. `played` (first play of a voice note) comes after read.
const FORWARD: readonly DeliveryState[] = ['accepted', 'sent', 'delivered', 'read', 'played']
const REPORTED = new Set<string>(['sent', 'delivered', 'read', 'played', 'failed'])

/**
 * The state an outbound message moves to when Meta reports `reported`, or undefined when it
 * must not move. Statuses arrive out of order and repeated: a message never moves backwards,
 * `failed` can only replace a state before delivery, and a failed message stays failed.
 */
export function nextDeliveryState(
  current: DeliveryState,
  reported: string,
): DeliveryState | undefined {
  if (!REPORTED.has(reported) || current === 'failed' || current === 'received') return undefined
  const currentRank = FORWARD.indexOf(current)
  if (reported === 'failed') {
    return currentRank < FORWARD.indexOf('delivered') ? 'failed' : undefined
  }
  const next = reported as DeliveryState
  return FORWARD.indexOf(next) > currentRank ? next : undefined
}
