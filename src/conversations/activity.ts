import type { Tx } from '../db/tenant.js'
import { assignRoundRobin, upsertConversation } from './conversations.repo.js'

/** What happened in a contact's conversation, for its inbox row. */
export interface ConversationActivity {
  readonly workspaceId: string
  readonly contactId: string
  /** A message's time: the conversation moves up to it (never back). */
  readonly messageAt?: Date | undefined
  /** An inbound message the agents have not read yet. */
  readonly unread?: boolean
  /** Round robin is on: a conversation this activity creates goes to the next sales user. */
  readonly assignIfNew?: boolean
}

/**
 * The one way a feature says "something happened to this contact's conversation" (a message,
 * a status, a send, a consent change): the row is created or bumped in the caller's
 * transaction, so the inbox list and the live feed see it with the change. Callers write their
 * own rows first: lock order is contact → message → conversation.
 */
export async function noteActivity(tx: Tx, activity: ConversationActivity) {
  const conversation = await upsertConversation(tx, {
    workspaceId: activity.workspaceId,
    contactId: activity.contactId,
    messageAt: activity.messageAt ?? null,
    unread: activity.unread === true,
  })
  if (conversation.created && activity.assignIfNew === true) {
    await assignRoundRobin(tx, activity.workspaceId, conversation.id)
  }
  return conversation
}
