import { and, desc, eq, inArray, isNull, ne } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { consentEvents, contacts, messages, sends } from '../db/schema.js'
import { messageColumns } from '../contacts/contacts-read.repo.js'

/** The contact as the composer needs it: what the gate decides on, and the latest consent change. */
export async function findThreadContact(tx: Tx, contactId: string) {
  const [row] = await tx
    .select({
      id: contacts.id,
      lastInboundAt: contacts.lastInboundAt,
      consentState: contacts.consentState,
      consentEventId: contacts.consentEventId,
      marketingState: contacts.marketingState,
      consentAt: contacts.consentAt,
      consentMethod: consentEvents.method,
      consentKeyword: consentEvents.keyword,
      consentOccurredAt: consentEvents.occurredAt,
    })
    .from(contacts)
    .leftJoin(consentEvents, eq(consentEvents.id, contacts.consentEventId))
    .where(eq(contacts.id, contactId))
  return row
}

/** A contact as the composer sees it. */
export type ThreadContactRow = NonNullable<Awaited<ReturnType<typeof findThreadContact>>>

/** The contact's latest messages, newest first (the thread reverses them); same-second ties in stored order. */
export function listLatestMessages(tx: Tx, contactId: string, limit: number) {
  return tx
    .select(messageColumns)
    .from(messages)
    .where(eq(messages.contactId, contactId))
    .orderBy(desc(messages.sentAt), desc(messages.createdAt), desc(messages.id))
    .limit(limit)
}

/** A thread message row. */
export type ThreadMessageRow = Awaited<ReturnType<typeof listLatestMessages>>[number]

/** The messages other messages reply to, by wamid (a short quote is shown above each reply). */
export function listQuotedMessages(tx: Tx, wamids: string[]) {
  if (wamids.length === 0) return Promise.resolve([])
  return tx
    .select({
      wamid: messages.wamid,
      direction: messages.direction,
      type: messages.type,
      textEnc: messages.textEnc,
    })
    .from(messages)
    .where(inArray(messages.wamid, wamids))
}

/**
 * The contact's sends that have no message of their own: still queued or under way, refused
 * by the gate, failed at Meta, or cut off. A sent send is shown as its message instead.
 */
export function listUnsentSends(tx: Tx, contactId: string, limit: number) {
  return tx
    .select({
      id: sends.id,
      kind: sends.kind,
      state: sends.state,
      skipReason: sends.skipReason,
      lastError: sends.lastError,
      contentEnc: sends.contentEnc,
      createdAt: sends.createdAt,
    })
    .from(sends)
    .where(and(eq(sends.contactId, contactId), isNull(sends.messageId), ne(sends.state, 'sent')))
    .orderBy(desc(sends.createdAt))
    .limit(limit)
}

/** A send without a message, as the thread shows it. */
export type UnsentSendRow = Awaited<ReturnType<typeof listUnsentSends>>[number]

/** The latest inbound message's wamid (what "mark as read" tells Meta about). */
export async function findLatestInboundWamid(tx: Tx, contactId: string) {
  const [row] = await tx
    .select({ wamid: messages.wamid })
    .from(messages)
    .where(and(eq(messages.contactId, contactId), eq(messages.direction, 'inbound')))
    .orderBy(desc(messages.sentAt))
    .limit(1)
  return row?.wamid
}
