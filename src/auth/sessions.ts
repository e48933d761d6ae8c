import type { AppDeps, Principal } from '../http/env.js'
import { withTenant } from '../db/tenant.js'
import { signSessionToken } from './session-token.js'
import { findLiveSession, insertSession, revokeSession, touchSession } from './auth.repo.js'

/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000
/** A session ends this long after login, however active. */
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000
// Writing last_seen_at on every request would turn each page view into a write.
const TOUCH_EVERY_MS = 60 * 1000

type SessionDeps = Pick<AppDeps, 'db' | 'sessionSecret' | 'now'>

/** Opens a session for a user and returns the signed cookie value and its expiry. */
export async function startSession(deps: SessionDeps, user: { id: string; workspaceId: string }) {
  const now = deps.now()
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS)
  const sessionId = await withTenant(deps.db, user.workspaceId, (tx) =>
    insertSession(tx, {
      workspaceId: user.workspaceId,
      userId: user.id,
      lastSeenAt: now,
      expiresAt,
    }),
  )
  const token = await signSessionToken(
    deps.sessionSecret,
    { sid: sessionId, wid: user.workspaceId },
    expiresAt,
  )
  return { token, expiresAt }
}

/** The principal behind a live session; undefined when revoked, expired, idle or the user is inactive. */
export async function loadActiveSession(
  deps: SessionDeps,
  workspaceId: string,
  sessionId: string,
): Promise<Principal | undefined> {
  const now = deps.now()
  return withTenant(deps.db, workspaceId, async (tx) => {
    const row = await findLiveSession(tx, sessionId, now)
    if (!row) return undefined
    const idleFor = now.getTime() - row.session.lastSeenAt.getTime()
    if (idleFor > SESSION_IDLE_MS) {
      await revokeSession(tx, sessionId, now)
      return undefined
    }
    if (idleFor > TOUCH_EVERY_MS) await touchSession(tx, sessionId, now)
    const { user } = row
    return {
      kind: 'user',
      id: user.id,
      workspaceId: user.workspaceId,
      role: user.role,
      name: user.name,
      email: user.email,
      sessionId,
      mustChangePassword: user.mustChangePassword,
      timeZone: row.workspaceSettings.timezone,
    }
  })
}

/** Ends the principal's session (logout). */
export async function endSession(deps: SessionDeps, principal: Principal) {
  const { sessionId } = principal
  if (sessionId === undefined) return
  await withTenant(deps.db, principal.workspaceId, (tx) => revokeSession(tx, sessionId, deps.now()))
}
