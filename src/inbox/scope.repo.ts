import { eq, isNull, or, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { contacts, conversations } from '../db/schema.js'

/** Conversations a sales user works: their own and nobody's (the inbox's scope for sales). */
export function ownOrUnassigned(userId: string): SQL | undefined {
  return or(eq(conversations.assigneeId, userId), isNull(conversations.assigneeId))
}

/**
 * Contacts in the same scope: their conversation is the user's own or nobody's, or they have
 * none yet. Notes, labels, consent and media belong to the conversation's people.
 */
export function contactOwnOrUnassigned(userId: string): SQL {
  return sql`not exists (select 1 from ${conversations}
    where ${conversations.contactId} = ${contacts.id}
      and ${conversations.assigneeId} is not null and ${conversations.assigneeId} <> ${userId}::uuid)`
}

/** Who the contact's conversation is assigned to: null when nobody, or no conversation yet. */
export async function findContactAssignee(tx: Tx, contactId: string): Promise<string | null> {
  const [row] = await tx
    .select({ assigneeId: conversations.assigneeId })
    .from(conversations)
    .where(eq(conversations.contactId, contactId))
  return row?.assigneeId ?? null
}
