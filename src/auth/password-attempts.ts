import { createHash } from 'node:crypto'
import type { AppDeps } from '../http/env.js'
import { withSystem } from '../db/tenant.js'
import { AppError } from '../errors.js'
import {
  recordFailure,
  refundFailure,
  retryAfterSeconds,
  waitInWords,
  type ThrottlePolicy,
} from './throttle-rules.js'
import { clearAccountThrottles, clearThrottle, lockThrottles, saveThrottle } from './auth.repo.js'

const MINUTE = 60 * 1000
/** Wrong passwords allowed for one account from one client address in 15 minutes. */
export const PAIR_POLICY: ThrottlePolicy = { limit: 5, windowMs: 15 * MINUTE }
/** Wrong passwords allowed from one client address, across accounts, in 15 minutes. */
export const ADDRESS_POLICY: ThrottlePolicy = { limit: 20, windowMs: 15 * MINUTE }
/**
 * Guesses at one account from anywhere: a pace, not a lockout. Blocking an account outright would
 * let anyone lock its owner out by typing wrong passwords; a one-minute window slows a spread-out
 * attack to ten guesses a minute while the owner waits at most a minute.
 */
export const ACCOUNT_PACE: ThrottlePolicy = { limit: 10, windowMs: MINUTE }

type ThrottleDeps = Pick<AppDeps, 'db' | 'now'>
/** Who is trying a password, and from where. */
export interface PasswordAttempt {
  readonly email: string
  readonly ip: string
}

function accountKey(email: string): string {
  return `account:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`
}

function pairKey(attempt: PasswordAttempt): string {
  return `${accountKey(attempt.email)}:ip:${attempt.ip}`
}

function attemptLimits(attempt: PasswordAttempt) {
  return [
    { key: pairKey(attempt), policy: PAIR_POLICY },
    { key: `ip:${attempt.ip}`, policy: ADDRESS_POLICY },
    { key: accountKey(attempt.email), policy: ACCOUNT_PACE },
  ]
}

/**
 * Counts this attempt as a failure before the password is checked, under row locks, or refuses
 * with rate_limited. Reserving first is what stops thirty parallel guesses from all being checked
 * against a limit of five: each one waits for the previous count.
 */
export async function reservePasswordAttempt(deps: ThrottleDeps, attempt: PasswordAttempt) {
  const now = deps.now()
  const limits = attemptLimits(attempt)
  await withSystem(deps.db, async (tx) => {
    const states = await lockThrottles(
      tx,
      limits.map((limit) => limit.key),
      now,
    )
    const wait = Math.max(...limits.map(({ key }) => retryAfterSeconds(states.get(key), now)))
    if (wait > 0) {
      throw new AppError('rate_limited', `Too many attempts. Try again in ${waitInWords(wait)}.`, {
        retryAfter: wait,
      })
    }
    for (const { key, policy } of limits) {
      await saveThrottle(tx, key, recordFailure(states.get(key), now, policy))
    }
  })
}

/**
 * The password was right: the failures of this account from this address are forgotten, and the
 * attempt reserved against the address and the account's pace is given back, so that people
 * signing in behind one office address never block each other.
 */
export async function forgetPasswordFailures(deps: ThrottleDeps, attempt: PasswordAttempt) {
  const [pair, ...shared] = attemptLimits(attempt)
  await withSystem(deps.db, async (tx) => {
    if (pair) await clearThrottle(tx, pair.key)
    const states = await lockThrottles(
      tx,
      shared.map(({ key }) => key),
      deps.now(),
    )
    for (const { key, policy } of shared) {
      const state = states.get(key)
      if (state) await saveThrottle(tx, key, refundFailure(state, policy))
    }
  })
}

/** Lifts every block on an account's sign-in, from every address (an owner's or admin's unlock). */
export async function unlockSignIn(deps: Pick<AppDeps, 'db'>, email: string) {
  await withSystem(deps.db, (tx) => clearAccountThrottles(tx, accountKey(email)))
}
