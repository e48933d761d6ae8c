import type { Db } from '../db/client.js'
import { withSystem } from '../db/tenant.js'
import { SESSION_IDLE_MS } from './sessions.js'
import { ACCOUNT_PACE, ADDRESS_POLICY, PAIR_POLICY } from './password-attempts.js'
import { purgeSessions, purgeThrottles } from './auth.repo.js'

/** Deletes sessions that ended more than a day ago; safe to run any number of times. */
export function purgeEndedSessions(db: Db, now: Date): Promise<number> {
  return withSystem(db, (tx) => purgeSessions(tx, new Date(now.getTime() - SESSION_IDLE_MS * 2)))
}

/** Deletes login-throttle rows whose window and block are over. */
export function purgeLoginThrottles(db: Db, now: Date): Promise<number> {
  const longest = Math.max(PAIR_POLICY.windowMs, ADDRESS_POLICY.windowMs, ACCOUNT_PACE.windowMs)
  return withSystem(db, (tx) => purgeThrottles(tx, new Date(now.getTime() - longest)))
}
