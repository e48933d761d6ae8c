import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { consentHolds } from '../db/schema.js'

/** A STOP seen at ingest: the workspace, the sender's identity hash and the message's wamid. */
export interface ConsentHold {
  readonly workspaceId: string
  readonly identityHash: string
  readonly wamid: string
}

// One advisory lock per workspace and identity: the gate holds it shared from its hold check to
// the end of its call to Meta; ingest takes it exclusively once a hold is committed.
const lockKey = (workspaceId: string, identityHash: string) =>
  sql`hashtext('parley:consent-hold'), hashtext(${`${workspaceId}:${identityHash}`})`

/** Records holds (the ingest transaction, as the owner); a redelivered STOP adds nothing. */
export async function insertConsentHolds(tx: Tx, holds: readonly ConsentHold[]): Promise<void> {
  if (holds.length === 0) return
  await tx
    .insert(consentHolds)
    .values([...holds])
    .onConflictDoNothing()
}

/**
 * Waits until every gate that may have checked these identities before their hold committed
 * has finished its call to Meta (their shared locks), then lets go.
 */
export async function awaitGatesOf(tx: Tx, holds: readonly ConsentHold[]): Promise<void> {
  const keys = [...new Set(holds.map((h) => `${h.workspaceId}\n${h.identityHash}`))].sort()
  for (const key of keys) {
    const [workspaceId = '', identityHash = ''] = key.split('\n')
    await tx.execute(sql`select pg_advisory_xact_lock(${lockKey(workspaceId, identityHash)})`)
  }
}

/**
 * True when one of these identities has a hold; first takes their gate locks (shared, to the
 * end of the transaction), so a hold committed later waits for this transaction's call.
 */
export async function isHeld(
  tx: Tx,
  workspaceId: string,
  identityHashes: readonly string[],
): Promise<boolean> {
  if (identityHashes.length === 0) return false
  for (const hash of [...identityHashes].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(${lockKey(workspaceId, hash)})`)
  }
  const [row] = await tx
    .select({ wamid: consentHolds.wamid })
    .from(consentHolds)
    .where(
      and(
        eq(consentHolds.workspaceId, workspaceId),
        inArray(consentHolds.identityHash, [...identityHashes]),
      ),
    )
    .limit(1)
  return row !== undefined
}

/** Deletes the hold a message made, once its opt-out is recorded (tenant transaction). */
export async function deleteConsentHolds(tx: Tx, wamid: string): Promise<void> {
  await tx.delete(consentHolds).where(eq(consentHolds.wamid, wamid))
}
