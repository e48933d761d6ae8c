/** What the delivery engine does after Meta refused a send. */
export type SendErrorAction =
  | { readonly action: 'retry'; readonly delayMs: number }
  | { readonly action: 'fail' }
  | { readonly action: 'pause_workspace' }

/** A send is given up after this many attempts, whatever the error. */
export const MAX_SEND_ATTEMPTS = 6

const SECOND = 1000
const MINUTE = 60 * SECOND
const DAY = 24 * 60 * MINUTE

// Meta's "try later" codes (reference §6): app, WABA and number throughput, unknown and
// temporary errors, and maintenance during a throughput upgrade.
const TRY_LATER = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131057])
// The access token or the whole account cannot send: every further send would fail the same way.
const ACCOUNT_BLOCKED = new Set([190, 368])
const PAIR_RATE_LIMIT = 131056
/** Meta's answer when the contact stopped marketing messages from the business (reference §6). */
export const MARKETING_STOPPED = 131050
const HEALTHY_ECOSYSTEM = 131049

/** The backoff of "try later" errors: 5 s, 20 s, 80 s, … capped at 15 minutes. */
function backoff(attempts: number): number {
  return Math.min(5 * SECOND * 4 ** Math.max(attempts - 1, 0), 15 * MINUTE)
}

/**
 * Decides retry, failure or pausing from Meta's code (never its HTTP status when a code is
 * given, as Meta advises). `attempts` counts the attempt that just failed.
 */
export function actionForError(
  error: { readonly code?: number | undefined; readonly status?: number | undefined },
  attempts: number,
): SendErrorAction {
  const { code, status } = error
  if (code !== undefined && ACCOUNT_BLOCKED.has(code)) return { action: 'pause_workspace' }
  if (attempts >= MAX_SEND_ATTEMPTS) return { action: 'fail' }
  // Meta: retrying before 24 hours only errors again.
  if (code === HEALTHY_ECOSYSTEM) return { action: 'retry', delayMs: DAY + MINUTE }
  // The pair limit's own schedule is 4^X seconds; never sooner than the 6-second pair spacing.
  if (code === PAIR_RATE_LIMIT) {
    return { action: 'retry', delayMs: Math.max(6 * SECOND, 4 ** (attempts - 1) * SECOND) }
  }
  if (code !== undefined) return TRY_LATER.has(code) ? retry(attempts) : { action: 'fail' }
  const transient = status === undefined || status === 429 || status >= 500
  return transient ? retry(attempts) : { action: 'fail' }
}

function retry(attempts: number): SendErrorAction {
  return { action: 'retry', delayMs: backoff(attempts) }
}
