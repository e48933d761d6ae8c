import type { Tx } from '../db/tenant.js'
import { entryHash, GENESIS_HASH } from './chain.js'
import { insertAuditEntry, lockChainHead } from './audit.repo.js'

/** Who acted, and from where. */
export interface AuditActor {
  readonly actorType: 'user' | 'api_key' | 'system'
  readonly actorId: string | null
  readonly actorName: string | null
  readonly ip: string | null
}

/** What was done to which record (`details` never holds message text or secrets). */
export interface AuditEvent {
  readonly action: string
  readonly recordType?: string
  readonly recordId?: string
  readonly details?: Record<string, unknown>
}

/**
 * Appends an entry to the workspace's audit chain, in the transaction that makes the change, so
 * a change is never without its entry and an entry never without its change.
 */
export async function recordAudit(
  tx: Tx,
  scope: { readonly workspaceId: string; readonly at: Date },
  actor: AuditActor,
  event: AuditEvent,
): Promise<void> {
  const head = await lockChainHead(tx, scope.workspaceId)
  const prevHash = head?.hash ?? GENESIS_HASH
  const entry = {
    workspaceId: scope.workspaceId,
    seq: (head?.seq ?? 0) + 1,
    // Whole milliseconds: what a Date holds, so the hash can be recomputed from the stored row.
    at: new Date(scope.at.getTime()),
    ...actor,
    action: event.action,
    recordType: event.recordType ?? null,
    recordId: event.recordId ?? null,
    details: event.details ?? {},
  }
  await insertAuditEntry(tx, { ...entry, prevHash, hash: entryHash(prevHash, entry) })
}
