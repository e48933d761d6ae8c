import { createHash } from 'node:crypto'
import type { AppDeps } from '../http/env.js'
import { withSystem, withTenant } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { verifyDecoy, verifyPassword } from './passwords.js'
import {
  recordFailure,
  retryAfterSeconds,
  type ThrottlePolicy,
  type ThrottleState,
} from './throttle-rules.js'
import { clearThrottle, findUserByEmail, loadThrottles, saveThrottle } from './auth.repo.js'
import { touchLastLogin } from '../users/users.repo.js'

const FIFTEEN_MINUTES = 15 * 60 * 1000
/** Failures allowed per account, and per client address, in 15 minutes. */
export const ACCOUNT_POLICY: ThrottlePolicy = { limit: 5, windowMs: FIFTEEN_MINUTES }
export const ADDRESS_POLICY: ThrottlePolicy = { limit: 20, windowMs: FIFTEEN_MINUTES }

// The same words for an unknown email, a wrong password and an inactive user.
const BAD_CREDENTIALS = 'Email or password is incorrect'

function throttleKeys(email: string, ip: string) {
  const account = createHash('sha256').update(email.trim().toLowerCase()).digest('hex')
  return { account: `account:${account}`, address: `ip:${ip}` }
}

type ThrottleDeps = Pick<AppDeps, 'db' | 'now'>
/** Who is trying a password, and from where. */
export interface PasswordAttempt {
  readonly email: string
  readonly ip: string
}

/** Refuses with rate_limited while the account or the client address is blocked. */
export async function assertNotThrottled(deps: ThrottleDeps, attempt: PasswordAttempt) {
  const now = deps.now()
  const keys = throttleKeys(attempt.email, attempt.ip)
  const throttles = await withSystem(deps.db, (tx) =>
    loadThrottles(tx, [keys.account, keys.address]),
  )
  const wait = Math.max(
    retryAfterSeconds(throttles.get(keys.account), now),
    retryAfterSeconds(throttles.get(keys.address), now),
  )
  if (wait > 0) {
    throw new AppError('rate_limited', `Too many attempts. Try again in ${wait} s.`, {
      retryAfter: wait,
    })
  }
  return throttles
}

/** Counts a wrong password against both the account and the client address. */
export async function recordWrongPassword(
  deps: ThrottleDeps,
  attempt: PasswordAttempt,
  throttles?: Map<string, ThrottleState>,
) {
  const now = deps.now()
  const keys = throttleKeys(attempt.email, attempt.ip)
  await withSystem(deps.db, async (tx) => {
    const states = throttles ?? (await loadThrottles(tx, [keys.account, keys.address]))
    await saveThrottle(
      tx,
      keys.account,
      recordFailure(states.get(keys.account), now, ACCOUNT_POLICY),
    )
    await saveThrottle(
      tx,
      keys.address,
      recordFailure(states.get(keys.address), now, ADDRESS_POLICY),
    )
  })
}

/** Checks credentials with throttling; returns the user to start a session for. */
export async function authenticate(
  deps: ThrottleDeps,
  input: PasswordAttempt & { password: string },
) {
  const throttles = await assertNotThrottled(deps, input)
  const user = await withSystem(deps.db, (tx) => findUserByEmail(tx, input.email))
  const valid = user
    ? await verifyPassword(input.password, user.passwordHash)
    : await verifyDecoy(input.password)
  if (!user || !valid || !user.active) {
    await recordWrongPassword(deps, input, throttles)
    throw new AppError('unauthorized', BAD_CREDENTIALS)
  }
  const keys = throttleKeys(input.email, input.ip)
  await withSystem(deps.db, (tx) => clearThrottle(tx, keys.account))
  await withTenant(deps.db, user.workspaceId, (tx) => touchLastLogin(tx, user.id, deps.now()))
  return { id: user.id, workspaceId: user.workspaceId, mustChangePassword: user.mustChangePassword }
}
