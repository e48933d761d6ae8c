import { and, asc, eq, gt, lt } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { messages, type MediaState } from '../db/schema.js'

/** A message's media columns. */
export async function findMessageMedia(tx: Tx, id: string) {
  const [row] = await tx
    .select({
      id: messages.id,
      contactId: messages.contactId,
      type: messages.type,
      mediaId: messages.mediaId,
      mediaMimeType: messages.mediaMimeType,
      mediaState: messages.mediaState,
      mediaPath: messages.mediaPath,
    })
    .from(messages)
    .where(eq(messages.id, id))
  return row
}

/**
 * Records the outcome of a download, only while the media is still pending: a second run of
 * the same job, or a sweep that raced it, changes nothing. False when it was no longer pending.
 */
export async function settlePendingMedia(
  tx: Tx,
  id: string,
  outcome: {
    mediaState: Exclude<MediaState, 'pending' | 'withheld'>
    mediaPath?: string
    mediaBytes?: number
    mediaMimeType?: string | null
  },
): Promise<boolean> {
  const updated = await tx
    .update(messages)
    .set(outcome)
    .where(and(eq(messages.id, id), eq(messages.mediaState, 'pending')))
    .returning({ id: messages.id })
  return updated.length === 1
}

/** Pending media created inside (after, before), oldest first (system transaction, all workspaces). */
export function findPendingMedia(tx: Tx, window: { after: Date; before: Date; limit: number }) {
  return tx
    .select({ workspaceId: messages.workspaceId, messageId: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.mediaState, 'pending'),
        gt(messages.createdAt, window.after),
        lt(messages.createdAt, window.before),
      ),
    )
    .orderBy(asc(messages.createdAt))
    .limit(window.limit)
}

/** Gives up on media still pending from before `createdBefore` (system transaction); the count. */
export async function failStalePendingMedia(tx: Tx, createdBefore: Date): Promise<number> {
  const failed = await tx
    .update(messages)
    .set({ mediaState: 'failed' })
    .where(and(eq(messages.mediaState, 'pending'), lt(messages.createdAt, createdBefore)))
    .returning({ id: messages.id })
  return failed.length
}
