import type { Tx } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { updatePassword } from '../users/users.repo.js'
import { hashPassword } from './passwords.js'
import { passwordProblem } from './password-rules.js'
import { revokeUserSessions } from './auth.repo.js'

/** What a new password is stored with. */
export interface NewPassword {
  readonly userId: string
  /** The user's email, which must not double as the password. */
  readonly email: string
  readonly password: string
  /** True when someone other than the user chose it: they must replace it at next login. */
  readonly mustChange: boolean
  /** The session that made the change stays signed in; every other one ends. */
  readonly keepSessionId?: string | undefined
  readonly now: Date
}

/**
 * Checks and stores a new password, then signs out the user's other sessions: whoever knew the
 * old password (or held a session opened with it) loses access with it.
 */
export async function storePassword(tx: Tx, input: NewPassword): Promise<void> {
  const problem = passwordProblem(input.password, input.email)
  if (problem) throw new AppError('validation_failed', problem)
  await updatePassword(tx, input.userId, {
    passwordHash: await hashPassword(input.password),
    mustChangePassword: input.mustChange,
  })
  await revokeUserSessions(tx, input.userId, input.now, input.keepSessionId)
}
