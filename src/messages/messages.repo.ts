import { eq, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import {
  messageReactions,
  messageStatuses,
  messages,
  platformErrors,
  preferenceUpdates,
} from '../db/schema.js'

/** Inserts a message unless one with the same wamid exists; returns the new id or undefined. */
export async function insertMessage(
  tx: Tx,
  row: typeof messages.$inferInsert,
): Promise<string | undefined> {
  const [created] = await tx
    .insert(messages)
    .values(row)
    .onConflictDoNothing({ target: [messages.workspaceId, messages.wamid] })
    .returning({ id: messages.id })
  return created?.id
}

/** Records one reported status; false when this (wamid, status) was already recorded. */
export async function insertStatus(
  tx: Tx,
  row: typeof messageStatuses.$inferInsert,
): Promise<boolean> {
  const inserted = await tx
    .insert(messageStatuses)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: messageStatuses.id })
  return inserted.length === 1
}

/** The message with this wamid, locked until the transaction ends (statuses race each other). */
export async function lockMessageByWamid(tx: Tx, wamid: string) {
  const [row] = await tx
    .select({ id: messages.id, status: messages.status, contactId: messages.contactId })
    .from(messages)
    .where(eq(messages.wamid, wamid))
    .for('update')
  return row
}

/** Moves a message to a new delivery state. */
export async function updateMessageStatus(
  tx: Tx,
  id: string,
  change: Pick<typeof messages.$inferInsert, 'status' | 'statusAt' | 'failure'>,
): Promise<void> {
  await tx.update(messages).set(change).where(eq(messages.id, id))
}

/** Keeps a contact's latest reaction to a message; an older one arriving late changes nothing. */
export async function upsertReaction(
  tx: Tx,
  row: typeof messageReactions.$inferInsert,
): Promise<void> {
  await tx
    .insert(messageReactions)
    .values(row)
    .onConflictDoUpdate({
      target: [
        messageReactions.workspaceId,
        messageReactions.targetWamid,
        messageReactions.contactId,
      ],
      set: {
        reactionWamid: sql`excluded.reaction_wamid`,
        emojiEnc: sql`excluded.emoji_enc`,
        reactedAt: sql`excluded.reacted_at`,
      },
      setWhere: sql`excluded.reacted_at >= ${messageReactions.reactedAt}`,
    })
}

/** Records a marketing stop/resume request once. */
export async function insertPreferenceUpdate(
  tx: Tx,
  row: typeof preferenceUpdates.$inferInsert,
): Promise<boolean> {
  const inserted = await tx
    .insert(preferenceUpdates)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: preferenceUpdates.id })
  return inserted.length === 1
}

/** Records an account-level error once per place in its webhook event. */
export async function insertPlatformError(
  tx: Tx,
  row: typeof platformErrors.$inferInsert,
): Promise<void> {
  await tx.insert(platformErrors).values(row).onConflictDoNothing()
}

/**
 * Stores a message Meta accepted from Parley. A status may have created it first (Meta can
 * report before the sender records the answer): that row keeps its state and gains the rest.
 */
export async function upsertSentMessage(
  tx: Tx,
  row: typeof messages.$inferInsert,
): Promise<string | undefined> {
  const [stored] = await tx
    .insert(messages)
    .values(row)
    .onConflictDoUpdate({
      target: [messages.workspaceId, messages.wamid],
      set: {
        contactId: sql`excluded.contact_id`,
        type: sql`excluded.type`,
        textEnc: sql`excluded.text_enc`,
        contentEnc: sql`excluded.content_enc`,
        contextWamid: sql`excluded.context_wamid`,
        sentAt: sql`excluded.sent_at`,
      },
      setWhere: sql`${messages.type} = 'unknown'`,
    })
    .returning({ id: messages.id })
  return stored?.id
}
