import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { contacts, conversations, users } from '../db/schema.js'
import { ownOrUnassigned } from './scope.repo.js'
import { containsPattern, exactTime, pageOf, type Keyset } from '../contacts/contacts-read.repo.js'

/** The inbox's views: the agent's own, nobody's, everything, and the opted-out contacts. */
export const INBOX_VIEWS = ['mine', 'unassigned', 'all', 'opted_out'] as const
/** One of the inbox's views. */
export type InboxView = (typeof INBOX_VIEWS)[number]

/** What one inbox page is narrowed by. */
export interface InboxFilter {
  readonly view: InboxView
  readonly userId: string
  /** Sales users see only their own and unassigned conversations, whatever the view. */
  readonly ownAndUnassignedOnly: boolean
  readonly phoneIndexes?: readonly string[] | undefined
  /** The contacts a name search found (see findContactIdsNamed). */
  readonly contactIds?: readonly string[] | undefined
  /** A name search too common for findContactIdsNamed: matched row by row instead. */
  readonly nameContains?: string | undefined
  readonly after?: Keyset | undefined
  readonly limit: number
}

// Meta times messages to the second: the order they were stored breaks ties.
// A consent confirmation is Parley's answer, not an agent's: the list says so (by contact first,
// so the sends index is used).
const lastMessage = sql`lateral (
  select m.direction, m.type, m.text_enc, m.status,
    exists (select 1 from sends s where s.contact_id = m.contact_id and s.message_id = m.id
      and s.origin = 'confirmation') as automatic
  from messages m
  where m.contact_id = ${conversations.contactId}
  order by m.sent_at desc, m.created_at desc limit 1) last_message`

const row = {
  id: conversations.id,
  contactId: conversations.contactId,
  assigneeId: conversations.assigneeId,
  assigneeName: users.name,
  unreadCount: conversations.unreadCount,
  lastMessageAt: conversations.lastMessageAt,
  position: exactTime(conversations.lastMessageAt),
  customName: contacts.customName,
  profileName: contacts.profileName,
  username: contacts.username,
  phoneEnc: contacts.phoneEnc,
  consentState: contacts.consentState,
  lastDirection: sql<string | null>`last_message.direction`,
  lastType: sql<string | null>`last_message.type`,
  lastTextEnc: sql<string | null>`last_message.text_enc`,
  lastAutomatic: sql<boolean | null>`last_message.automatic`,
}

function viewCondition(filter: InboxFilter): SQL | undefined {
  switch (filter.view) {
    case 'mine':
      return eq(conversations.assigneeId, filter.userId)
    case 'unassigned':
      return isNull(conversations.assigneeId)
    case 'opted_out':
      return eq(contacts.consentState, 'opted_out')
    case 'all':
      return undefined
  }
}

function searchCondition(filter: InboxFilter): SQL | undefined {
  if (filter.phoneIndexes) return inArray(contacts.phoneIndex, [...filter.phoneIndexes])
  if (filter.contactIds) return inArray(conversations.contactId, [...filter.contactIds])
  if (filter.nameContains === undefined) return undefined
  const pattern = containsPattern(filter.nameContains)
  return sql`(${contacts.customName} ilike ${pattern} or ${contacts.profileName} ilike ${pattern}
    or ${contacts.username} ilike ${pattern})`
}

function conditions(filter: InboxFilter): (SQL | undefined)[] {
  const { after } = filter
  return [
    viewCondition(filter),
    filter.ownAndUnassignedOnly ? ownOrUnassigned(filter.userId) : undefined,
    searchCondition(filter),
    after &&
      sql`(${conversations.lastMessageAt}, ${conversations.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`,
  ]
}

/** One page of conversations, latest activity first, each with its contact and last message. */
export async function listInboxRows(tx: Tx, filter: InboxFilter) {
  const rows = await tx
    .select(row)
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .leftJoin(lastMessage, sql`true`)
    .where(and(...conditions(filter)))
    // nulls last matches the index order, so the page is read straight from the index.
    .orderBy(
      sql`${conversations.lastMessageAt} desc nulls last`,
      sql`${conversations.id} desc nulls last`,
    )
    .limit(filter.limit + 1)
  return pageOf(rows, filter.limit)
}

/** How many conversations each inbox view holds for one viewer, and how many have unread messages. */
export type InboxCounts = Readonly<Record<InboxView | 'unread', number>>

// The few opted-out contacts, read from contacts_opted_out_idx alone (an index-only scan).
const optedOutContacts = sql`(select id from contacts where consent_state = 'opted_out')`

/**
 * The inbox tabs' counts in one pass over the viewer's conversations, with FILTER clauses. The
 * opted-out tab checks each conversation's contact against the hashed set of opted-out contacts
 * instead of joining every conversation to its contact (a join read all 100 000 contacts).
 */
export async function countInboxViews(
  tx: Tx,
  viewer: { userId: string; ownAndUnassignedOnly: boolean },
): Promise<InboxCounts> {
  const [counts] = await tx
    .select({
      mine: sql<number>`count(*) filter (where ${conversations.assigneeId} = ${viewer.userId})::int`,
      unassigned: sql<number>`count(*) filter (where ${conversations.assigneeId} is null)::int`,
      all: sql<number>`count(*)::int`,
      opted_out: sql<number>`count(*) filter (where ${conversations.contactId} in ${optedOutContacts})::int`,
      unread: sql<number>`count(*) filter (where ${conversations.unreadCount} > 0)::int`,
    })
    .from(conversations)
    .where(viewer.ownAndUnassignedOnly ? ownOrUnassigned(viewer.userId) : undefined)
  return counts ?? { mine: 0, unassigned: 0, all: 0, opted_out: 0, unread: 0 }
}

/** A conversation row of the inbox list. */
export type InboxRow = Awaited<ReturnType<typeof listInboxRows>>['rows'][number]

/** The conversation with this id and who it is assigned to, or undefined. */
export async function findConversation(tx: Tx, id: string) {
  const [found] = await tx
    .select({
      id: conversations.id,
      contactId: conversations.contactId,
      assigneeId: conversations.assigneeId,
      assigneeName: users.name,
      unreadCount: conversations.unreadCount,
    })
    .from(conversations)
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .where(eq(conversations.id, id))
  return found
}

/** A conversation as findConversation gives it. */
export type ConversationRow = NonNullable<Awaited<ReturnType<typeof findConversation>>>

/** The conversations changed after `since` (exact time), with their assignee, oldest change first. */
export async function listChangedConversations(tx: Tx, since: string, limit: number) {
  return tx
    .select({
      id: conversations.id,
      contactId: conversations.contactId,
      assigneeId: conversations.assigneeId,
      changedAt: exactTime(conversations.changedAt),
    })
    .from(conversations)
    .where(sql`${conversations.changedAt} > ${since}::timestamptz`)
    .orderBy(conversations.changedAt)
    .limit(limit)
}
