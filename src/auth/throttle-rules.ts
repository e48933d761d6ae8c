/** Failures counted for one key (an account or a client address). */
export interface ThrottleState {
  readonly failures: number
  readonly windowStartedAt: Date
  readonly blockedUntil: Date | null
}

/** How many failures a key may have in one window before it is blocked. */
export interface ThrottlePolicy {
  readonly limit: number
  readonly windowMs: number
}

/** Seconds until `state` may try again; 0 when it may try now. */
export function retryAfterSeconds(state: ThrottleState | undefined, now: Date): number {
  if (!state?.blockedUntil) return 0
  return Math.max(0, Math.ceil((state.blockedUntil.getTime() - now.getTime()) / 1000))
}

/** The state after one more failure: a new window when the old one ended, a block at the limit. */
export function recordFailure(
  state: ThrottleState | undefined,
  now: Date,
  policy: ThrottlePolicy,
): ThrottleState {
  const windowOpen = state && now.getTime() - state.windowStartedAt.getTime() < policy.windowMs
  const failures = windowOpen ? state.failures + 1 : 1
  const windowStartedAt = windowOpen ? state.windowStartedAt : now
  const blockedUntil =
    failures >= policy.limit
      ? new Date(now.getTime() + policy.windowMs)
      : (state?.blockedUntil ?? null)
  return { failures, windowStartedAt, blockedUntil }
}

/**
 * The state after a reserved attempt turned out right: one failure fewer, and no block when that
 * brings it under the limit (a key that was blocked could not have reserved the attempt).
 */
export function refundFailure(state: ThrottleState, policy: ThrottlePolicy): ThrottleState {
  const failures = Math.max(0, state.failures - 1)
  const blockedUntil = failures < policy.limit ? null : state.blockedUntil
  return { failures, windowStartedAt: state.windowStartedAt, blockedUntil }
}

/** A wait as a person says it: "15 minutes", "1 minute", "40 seconds" (rounded up). */
export function waitInWords(seconds: number): string {
  const plural = (count: number, unit: string) =>
    `${String(count)} ${unit}${count === 1 ? '' : 's'}`
  if (seconds < 60) return plural(Math.max(1, seconds), 'second')
  if (seconds < 3600) return plural(Math.ceil(seconds / 60), 'minute')
  return plural(Math.ceil(seconds / 3600), 'hour')
}
