import type { AppDeps, Principal } from '../http/env.js'
import { isUuid, type Tx } from '../db/tenant.js'
import type { Role } from '../db/schema.js'
import { AppError } from '../errors.js'
import { revokeUserSessions } from '../auth/auth.repo.js'
import { generatePassword } from '../auth/passwords.js'
import { storePassword } from '../auth/store-password.js'
import { unlockSignIn } from '../auth/password-attempts.js'
import { mayManage } from './rules.js'
import { findUser, lockActiveOwners, updateUserActive, updateUserRole } from './users.repo.js'

async function loadManageable(tx: Tx, actor: Principal, userId: string) {
  const target = isUuid(userId) ? await findUser(tx, userId) : undefined
  if (!target) throw new AppError('not_found', 'No such user in this workspace')
  if (!mayManage(actor.role, target.role))
    throw new AppError('forbidden', 'Only an owner can change an owner')
  return target
}

async function assertOwnerRemains(tx: Tx, leavingOwnerId: string) {
  const owners = await lockActiveOwners(tx)
  if (owners.length === 1 && owners[0] === leavingOwnerId) throw new AppError('last_owner')
}

/** Gives a user another role; their sessions end so the new role applies at once. */
export async function changeUserRole(
  tx: Tx,
  actor: Principal,
  userId: string,
  role: Role,
  now: Date,
) {
  const target = await loadManageable(tx, actor, userId)
  if (!mayManage(actor.role, role))
    throw new AppError('forbidden', 'Only an owner can make an owner')
  if (target.role === role) return
  if (target.role === 'owner') await assertOwnerRemains(tx, target.id)
  await updateUserRole(tx, target.id, role)
  await revokeUserSessions(tx, target.id, now)
}

/** Deactivates or reactivates a user; deactivation ends their sessions. */
export async function setUserActive(
  tx: Tx,
  actor: Principal,
  userId: string,
  active: boolean,
  now: Date,
) {
  const target = await loadManageable(tx, actor, userId)
  if (!active && target.id === actor.id) {
    throw new AppError('validation_failed', 'You cannot deactivate yourself')
  }
  if (!active && target.role === 'owner' && target.active) await assertOwnerRemains(tx, target.id)
  await updateUserActive(tx, target.id, active)
  if (!active) await revokeUserSessions(tx, target.id, now)
}

/**
 * Replaces a user's password with a generated one, shown once to the admin who hands it over;
 * their sessions end and they must choose their own at next login. Generated rather than typed so
 * it is never weak and never lands in the admin's browser autofill.
 */
export async function resetUserPassword(tx: Tx, actor: Principal, userId: string, now: Date) {
  const target = await loadManageable(tx, actor, userId)
  if (target.id === actor.id) {
    throw new AppError('validation_failed', 'Change your own password on your account page')
  }
  const password = generatePassword()
  await storePassword(tx, {
    userId: target.id,
    email: target.email,
    password,
    mustChange: true,
    now,
  })
  return { name: target.name, email: target.email, password }
}

/**
 * Lifts the sign-in blocks wrong passwords put on a user, from every address, so an owner or
 * admin can let a colleague back in without waiting out the window; returns who it was.
 */
export async function unlockUser(
  tx: Tx,
  deps: Pick<AppDeps, 'db'>,
  actor: Principal,
  userId: string,
) {
  const target = await loadManageable(tx, actor, userId)
  await unlockSignIn(deps, target.email)
  return { name: target.name, email: target.email }
}
