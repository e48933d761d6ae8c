import { createHash, randomBytes } from 'node:crypto'
import type { AppDeps, Principal } from '../http/env.js'
import { withSystem, withTenant } from '../db/tenant.js'
import type { Role } from '../db/schema.js'
import { timeZoneOf } from '../console/time-zone.js'
import { findApiKeyByHash, insertApiKey, touchApiKey } from './auth.repo.js'

const PREFIX = 'pk_'
const TOUCH_EVERY_MS = 60 * 1000

// Keys carry 256 random bits, so a fast unsalted hash is enough to make a stolen table useless.
function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/** Creates an API key for a workspace; the plain key is returned once and never stored. */
export async function createApiKey(
  deps: Pick<AppDeps, 'db'>,
  input: { workspaceId: string; role: Role; name: string },
): Promise<{ id: string; key: string }> {
  const key = PREFIX + randomBytes(32).toString('base64url')
  const id = await withTenant(deps.db, input.workspaceId, (tx) =>
    insertApiKey(tx, { ...input, keyHash: hashKey(key), keyPrefix: key.slice(0, 10) }),
  )
  return { id, key }
}

/** The principal for a presented key, or undefined when it is unknown or revoked. */
export async function authenticateApiKey(
  deps: Pick<AppDeps, 'db' | 'now'>,
  key: string,
): Promise<Principal | undefined> {
  if (!key.startsWith(PREFIX)) return undefined
  const found = await withSystem(deps.db, (tx) => findApiKeyByHash(tx, hashKey(key)))
  if (!found) return undefined
  const row = found.key
  const now = deps.now()
  // Integrations call in bursts; noting use once a minute keeps the API read path free of writes.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await withTenant(deps.db, row.workspaceId, (tx) => touchApiKey(tx, row.id, now))
  }
  return {
    kind: 'api_key',
    id: row.id,
    workspaceId: row.workspaceId,
    role: row.role,
    name: row.name,
    timeZone: timeZoneOf(found.workspaceSettings),
  }
}
