import { createHash, randomBytes } from 'node:crypto'
import type { AppDeps, Principal } from '../http/env.js'
import { isUuid, withSystem, withTenant, type Tx } from '../db/tenant.js'
import { AppError } from '../errors.js'
import type { Role } from '../db/schema.js'
import {
  findApiKeyByHash,
  insertApiKey,
  listLiveApiKeys,
  revokeLiveApiKey,
  touchApiKey,
} from './auth.repo.js'

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
    timeZone: found.workspaceSettings.timezone,
  }
}

/** An API key as Settings and the CLI show it: who it acts as and when it was used, never the key. */
export interface ApiKeySummary {
  readonly id: string
  readonly name: string
  readonly role: Role
  readonly createdAt: string
  readonly lastUsedAt: string | null
}

/** The workspace's live API keys, newest first. */
export async function listApiKeys(tx: Tx): Promise<ApiKeySummary[]> {
  const rows = await listLiveApiKeys(tx)
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    // Noted at most once a minute (TOUCH_EVERY_MS), which is close enough to tell a dead key.
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  }))
}

/** Revokes a live key of the workspace at once (the next request with it gets 401); not_found otherwise. */
export async function revokeApiKey(tx: Tx, id: string, now: Date) {
  const revoked = isUuid(id) ? await revokeLiveApiKey(tx, id, now) : undefined
  if (!revoked) throw new AppError('not_found', `No API key with id ${id} in this workspace`)
  return revoked
}
