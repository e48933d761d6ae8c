import { and, desc, eq, gt, inArray, isNull, like, lt, ne, or, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { apiKeys, loginThrottle, sessions, users, workspaces } from '../db/schema.js'
import type { ThrottleState } from './throttle-rules.js'
import { parseSettings } from '../workspaces/settings-schema.js'

/** The user row behind an email, across workspaces (system transaction only). */
export async function findUserByEmail(tx: Tx, email: string) {
  const [row] = await tx
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
  return row
}

/** True when no workspace exists yet (first run). */
export async function hasNoWorkspace(tx: Tx): Promise<boolean> {
  const [row] = await tx.select({ id: workspaces.id }).from(workspaces).limit(1)
  return row === undefined
}

/**
 * Throttle states for the given keys, locked until the transaction ends; a key without failures
 * gets an empty row so that it can be locked too. Keys are locked in sorted order, so two
 * attempts sharing keys never deadlock.
 */
export async function lockThrottles(
  tx: Tx,
  keys: string[],
  now: Date,
): Promise<Map<string, ThrottleState>> {
  const sorted = [...keys].sort()
  const empty = sorted.map((key) => ({
    key,
    failures: 0,
    windowStartedAt: now,
    blockedUntil: null,
  }))
  await tx.insert(loginThrottle).values(empty).onConflictDoNothing()
  const rows = await tx
    .select()
    .from(loginThrottle)
    .where(inArray(loginThrottle.key, sorted))
    .orderBy(loginThrottle.key)
    .for('update')
  return new Map(rows.map((row) => [row.key, row]))
}

/** Stores a key's throttle state. */
export async function saveThrottle(tx: Tx, key: string, state: ThrottleState) {
  await tx
    .insert(loginThrottle)
    .values({ key, ...state })
    .onConflictDoUpdate({ target: loginThrottle.key, set: { ...state } })
}

/** Forgets a key's failures (after a successful login). */
export async function clearThrottle(tx: Tx, key: string) {
  await tx.delete(loginThrottle).where(eq(loginThrottle.key, key))
}

/** Forgets an account's pace and its failures from every address (`accountKey` and `accountKey:…`). */
export async function clearAccountThrottles(tx: Tx, accountKey: string) {
  await tx
    .delete(loginThrottle)
    .where(or(eq(loginThrottle.key, accountKey), like(loginThrottle.key, `${accountKey}:%`)))
}

/** Deletes throttle rows whose window and block have both ended. */
export async function purgeThrottles(tx: Tx, before: Date): Promise<number> {
  const deleted = await tx
    .delete(loginThrottle)
    .where(
      and(
        lt(loginThrottle.windowStartedAt, before),
        or(isNull(loginThrottle.blockedUntil), lt(loginThrottle.blockedUntil, before)),
      ),
    )
    .returning({ key: loginThrottle.key })
  return deleted.length
}

/** Creates a session row and returns its id. */
export async function insertSession(tx: Tx, row: typeof sessions.$inferInsert): Promise<string> {
  const [created] = await tx.insert(sessions).values(row).returning({ id: sessions.id })
  if (!created) throw new Error('session insert returned no row')
  return created.id
}

/** A live session joined to its active user, or undefined. */
export async function findLiveSession(tx: Tx, sessionId: string, now: Date) {
  const [row] = await tx
    .select({ session: sessions, user: users, workspaceSettings: workspaces.settings })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(workspaces, eq(workspaces.id, users.workspaceId))
    .where(
      and(
        eq(sessions.id, sessionId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        eq(users.active, true),
      ),
    )
  return row && { ...row, workspaceSettings: parseSettings(row.workspaceSettings) }
}

/** Records activity on a session (idle expiry counts from here). */
export async function touchSession(tx: Tx, sessionId: string, now: Date) {
  await tx.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sessionId))
}

/** Revokes one session. */
export async function revokeSession(tx: Tx, sessionId: string, now: Date) {
  await tx.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, sessionId))
}

/** Revokes every session of a user (deactivation, role change), but `keepSessionId` if given. */
export async function revokeUserSessions(
  tx: Tx,
  userId: string,
  now: Date,
  keepSessionId?: string,
) {
  await tx
    .update(sessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        keepSessionId === undefined ? undefined : ne(sessions.id, keepSessionId),
      ),
    )
}

/** Deletes sessions that ended (expired or revoked) before `before`, across workspaces. */
export async function purgeSessions(tx: Tx, before: Date): Promise<number> {
  const deleted = await tx
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, before), lt(sessions.revokedAt, before)))
    .returning({ id: sessions.id })
  return deleted.length
}

/** An unrevoked API key by its hash, across workspaces (system transaction only). */
export async function findApiKeyByHash(tx: Tx, keyHash: string) {
  const [row] = await tx
    .select({ key: apiKeys, workspaceSettings: workspaces.settings })
    .from(apiKeys)
    .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
  return row && { ...row, workspaceSettings: parseSettings(row.workspaceSettings) }
}

/** Stores a new API key (its hash only). */
export async function insertApiKey(tx: Tx, row: typeof apiKeys.$inferInsert): Promise<string> {
  const [created] = await tx.insert(apiKeys).values(row).returning({ id: apiKeys.id })
  if (!created) throw new Error('api key insert returned no row')
  return created.id
}

/** Notes when a key was last used. */
export async function touchApiKey(tx: Tx, id: string, now: Date) {
  await tx.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id))
}

/** The workspace's unrevoked API keys, newest first (never their hash). */
export async function listLiveApiKeys(tx: Tx) {
  return tx
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      role: apiKeys.role,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(isNull(apiKeys.revokedAt))
    .orderBy(desc(apiKeys.createdAt))
}

/** Revokes one unrevoked key of the workspace; returns its name, or undefined when there is none. */
export async function revokeLiveApiKey(tx: Tx, id: string, now: Date) {
  const [row] = await tx
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, name: apiKeys.name })
  return row
}
