import type { Tx } from '../db/tenant.js'
import type { Acting, PersonActor } from '../actor.js'
import { entryHash, GENESIS_HASH } from './chain.js'
import { countRecentActions, insertAuditEntry, lockChainHead } from './audit.repo.js'

/** Who acted, and from where, as an audit entry's columns keep it. */
export interface AuditActor {
  readonly actorType: 'user' | 'api_key' | 'system'
  readonly actorId: string | null
  readonly actorName: string | null
  readonly ip: string | null
}

/** The actor as the audit entry's columns. */
export function auditActorOf({ kind, id, name, ip }: Acting['actor']): AuditActor {
  return { actorType: kind, actorId: id, actorName: name, ip }
}

/** What was done to which record (`details` never holds message text or secrets). */
export interface AuditEvent {
  readonly action: string
  readonly recordType?: string
  readonly recordId?: string
  readonly details?: Record<string, unknown>
}

/**
 * Appends an entry for what the actor did to their workspace's audit chain, in the transaction
 * that makes the change, so a change is never without its entry and an entry never without its
 * change.
 */
export async function recordAudit(tx: Tx, acting: Acting, event: AuditEvent): Promise<void> {
  const { workspaceId } = acting.actor
  const head = await lockChainHead(tx, workspaceId)
  const prevHash = head?.hash ?? GENESIS_HASH
  const entry = {
    workspaceId,
    seq: (head?.seq ?? 0) + 1,
    // Whole milliseconds: what a Date holds, so the hash can be recomputed from the stored row.
    at: new Date(acting.now.getTime()),
    ...auditActorOf(acting.actor),
    action: event.action,
    recordType: event.recordType ?? null,
    recordId: event.recordId ?? null,
    details: event.details ?? {},
  }
  await insertAuditEntry(tx, { ...entry, prevHash, hash: entryHash(prevHash, entry) })
}

/**
 * At most `limit` entries of one action per actor within `windowMs`. With `sameWhen`, an event
 * whose details[sameWhen] was already recorded in the window is the same one again: allowed and
 * not recorded twice (a list refreshing itself is not a new search).
 */
export interface AuditQuota {
  readonly limit: number
  readonly windowMs: number
  readonly sameWhen?: string
}

/**
 * Records the entry unless the actor already made `quota.limit` of this action within the window;
 * false then, and nothing recorded. The chain lock is taken first, so parallel requests are
 * counted one after the other and cannot all slip under the limit.
 */
export async function recordAuditWithinQuota(
  tx: Tx,
  acting: Acting & { readonly actor: PersonActor },
  event: AuditEvent,
  quota: AuditQuota,
): Promise<boolean> {
  await lockChainHead(tx, acting.actor.workspaceId)
  const recent = {
    actorId: acting.actor.id,
    action: event.action,
    since: new Date(acting.now.getTime() - quota.windowMs),
  }
  const same = quota.sameWhen && event.details?.[quota.sameWhen]
  if (typeof same === 'string') {
    const detail: [string, string] = [quota.sameWhen ?? '', same]
    if ((await countRecentActions(tx, { ...recent, detail })) > 0) return true
  }
  if ((await countRecentActions(tx, recent)) >= quota.limit) return false
  await recordAudit(tx, acting, event)
  return true
}
