import type { Tx } from '../db/tenant.js'
import type { Principal } from '../http/env.js'
import { AppError } from '../errors.js'
import { findUser } from '../users/users.repo.js'
import { verifyPassword } from './passwords.js'
import { storePassword } from './store-password.js'

/** The /account form: the current password, and the new one typed twice. */
export interface PasswordChange {
  readonly current: string
  readonly next: string
  readonly repeat: string
}

/** A signed-in user replaces their own password; their other sessions end, this one stays. */
export async function changeOwnPassword(
  tx: Tx,
  actor: Principal,
  input: PasswordChange,
  now: Date,
): Promise<void> {
  const user = await findUser(tx, actor.id)
  if (!user) throw new AppError('unauthorized')
  // Asked even with a live session: a borrowed or left-open session must not be able to lock
  // its owner out.
  if (!(await verifyPassword(input.current, user.passwordHash))) {
    // Marked so the caller counts it like a failed login: a session is not a licence to guess.
    throw new AppError('validation_failed', 'Your current password is not right', {
      wrongPassword: true,
    })
  }
  if (input.next !== input.repeat) {
    throw new AppError('validation_failed', 'The two new passwords are not the same')
  }
  if (input.next === input.current) {
    throw new AppError('validation_failed', 'The new password must differ from the current one')
  }
  await storePassword(tx, {
    userId: user.id,
    email: user.email,
    password: input.next,
    mustChange: false,
    keepSessionId: actor.sessionId,
    now,
  })
}
