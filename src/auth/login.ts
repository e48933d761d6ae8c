import type { AppDeps } from '../http/env.js'
import { withSystem, withTenant } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { verifyDecoy, verifyPassword } from './passwords.js'
import {
  forgetPasswordFailures,
  reservePasswordAttempt,
  type PasswordAttempt,
} from './password-attempts.js'
import { findUserByEmail } from './auth.repo.js'
import { touchLastLogin } from '../users/users.repo.js'

// The same words for an unknown email, a wrong password and an inactive user.
const BAD_CREDENTIALS = 'Email or password is incorrect'

/** Checks credentials with throttling; returns the user to start a session for. */
export async function authenticate(
  deps: Pick<AppDeps, 'db' | 'now'>,
  input: PasswordAttempt & { password: string },
) {
  await reservePasswordAttempt(deps, input)
  const user = await withSystem(deps.db, (tx) => findUserByEmail(tx, input.email))
  const valid = user
    ? await verifyPassword(input.password, user.passwordHash)
    : await verifyDecoy(input.password)
  if (!user || !valid || !user.active) throw new AppError('unauthorized', BAD_CREDENTIALS)
  await forgetPasswordFailures(deps, input)
  await withTenant(deps.db, user.workspaceId, (tx) => touchLastLogin(tx, user.id, deps.now()))
  return { id: user.id, workspaceId: user.workspaceId, mustChangePassword: user.mustChangePassword }
}
