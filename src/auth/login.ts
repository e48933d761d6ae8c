import { createHash } from 'node:crypto'
import type { AppDeps } from '../http/env.js'
import { withSystem, withTenant } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { verifyDecoy, verifyPassword } from './passwords.js'
import { recordFailure, retryAfterSeconds, type ThrottlePolicy } from './throttle-rules.js'
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

/** Checks credentials with throttling; returns the user to start a session for. */
export async function authenticate(
  deps: Pick<AppDeps, 'db' | 'now'>,
  input: { email: string; password: string; ip: string },
) {
  const now = deps.now()
  const keys = throttleKeys(input.email, input.ip)
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
  const user = await withSystem(deps.db, (tx) => findUserByEmail(tx, input.email))
  const valid = user
    ? await verifyPassword(input.password, user.passwordHash)
    : await verifyDecoy(input.password)
  if (!user || !valid || !user.active) {
    await withSystem(deps.db, async (tx) => {
      await saveThrottle(
        tx,
        keys.account,
        recordFailure(throttles.get(keys.account), now, ACCOUNT_POLICY),
      )
      await saveThrottle(
        tx,
        keys.address,
        recordFailure(throttles.get(keys.address), now, ADDRESS_POLICY),
      )
    })
    throw new AppError('unauthorized', BAD_CREDENTIALS)
  }
  await withSystem(deps.db, (tx) => clearThrottle(tx, keys.account))
  await withTenant(deps.db, user.workspaceId, (tx) => touchLastLogin(tx, user.id, now))
  return { id: user.id, workspaceId: user.workspaceId, mustChangePassword: user.mustChangePassword }
}
