import { and, asc, desc, eq, ilike, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import type { Tx } from '../db/tenant.js'
import { contacts, messageReactions, messages } from '../db/schema.js'
import { contactOwnOrUnassigned } from '../inbox/scope.repo.js'

/** Where a keyset page resumes: the last row's sort time (exact, or null) and id. */
export interface Keyset {
  at: string | null
  id: string
}

/** What the contact list is narrowed by; every given filter must match. */
export interface ContactFilter {
  phoneIndexes?: string[] | undefined
  /** The contacts a name search found (see findContactIdsNamed). */
  ids?: readonly string[] | undefined
  /** A name search too common for findContactIdsNamed: matched row by row instead. */
  nameContains?: string | undefined
  /** A sales viewer's id: only contacts whose conversation is theirs or nobody's. */
  ownOrUnassignedOf?: string | undefined
  after?: Keyset | undefined
  limit: number
}

/** A page of a keyset query: up to `limit` rows plus whether more follow. */
export interface RowPage<Row> {
  rows: Row[]
  hasMore: boolean
}

// Drizzle reads timestamps as Dates, which drop PostgreSQL's microseconds; a keyset position
// must be exact or rows at the same millisecond are skipped or repeated.
export function exactTime(column: PgColumn) {
  return sql<string | null>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
}

// Backslash is PostgreSQL's default LIKE escape; user text must not act as a wildcard.
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
}

export function pageOf<Row>(rows: Row[], limit: number): RowPage<Row> {
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit }
}

const contactColumns = {
  id: contacts.id,
  bsuid: contacts.bsuid,
  phoneEnc: contacts.phoneEnc,
  profileName: contacts.profileName,
  customName: contacts.customName,
  username: contacts.username,
  countryCode: contacts.countryCode,
  firstTouch: contacts.firstTouch,
  firstTouchAt: contacts.firstTouchAt,
  lastInboundAt: contacts.lastInboundAt,
  consentState: contacts.consentState,
  consentAt: contacts.consentAt,
  marketingState: contacts.marketingState,
  marketingAt: contacts.marketingAt,
  createdAt: contacts.createdAt,
}

/** A contact as the read API shows it. */
export type ContactRow = NonNullable<Awaited<ReturnType<typeof findContactRow>>>

/** One contact of the workspace, or undefined. */
export async function findContactRow(tx: Tx, id: string) {
  const [row] = await tx.select(contactColumns).from(contacts).where(eq(contacts.id, id))
  return row
}

// Order is last_inbound_at desc nulls last, id desc: "after" is later in that order.
function afterContact(after: Keyset): SQL {
  if (after.at === null) {
    return sql`(${contacts.lastInboundAt} is null and ${contacts.id} < ${after.id}::uuid)`
  }
  return sql`(${contacts.lastInboundAt} is null or (${contacts.lastInboundAt}, ${contacts.id}) < (${after.at}::timestamptz, ${after.id}::uuid))`
}

function contactConditions(filter: ContactFilter): (SQL | undefined)[] {
  const { phoneIndexes, ids, nameContains, after } = filter
  const pattern = nameContains === undefined ? undefined : containsPattern(nameContains)
  return [
    phoneIndexes && inArray(contacts.phoneIndex, phoneIndexes),
    ids && inArray(contacts.id, [...ids]),
    pattern === undefined
      ? undefined
      : or(
          ilike(contacts.profileName, pattern),
          ilike(contacts.customName, pattern),
          ilike(contacts.username, pattern),
        ),
    filter.ownOrUnassignedOf === undefined
      ? undefined
      : contactOwnOrUnassigned(filter.ownOrUnassignedOf),
    after && afterContact(after),
  ]
}

/**
 * Up to `limit` contacts whose name, profile name or username contains `text`, found through
 * the trigram index by the `contacts_named` function (migration 0012), in this workspace only.
 */
export async function findContactIdsNamed(tx: Tx, text: string, limit: number) {
  const found = await tx.execute<{ id: string }>(
    sql`select id from contacts_named(${containsPattern(text)}, ${limit}) as id`,
  )
  return found.rows.map((row) => row.id)
}

/** The workspace's contacts, most recent inbound activity first, one keyset page. */
export async function listContactRows(tx: Tx, filter: ContactFilter) {
  const rows = await tx
    .select({ ...contactColumns, position: exactTime(contacts.lastInboundAt) })
    .from(contacts)
    .where(and(...contactConditions(filter)))
    .orderBy(sql`${contacts.lastInboundAt} desc nulls last`, desc(contacts.id))
    .limit(filter.limit + 1)
  return pageOf(rows, filter.limit)
}

/** The message columns a conversation is read with (the API and the console's thread). */
export const messageColumns = {
  id: messages.id,
  wamid: messages.wamid,
  direction: messages.direction,
  type: messages.type,
  unsupportedType: messages.unsupportedType,
  textEnc: messages.textEnc,
  sentAt: messages.sentAt,
  status: messages.status,
  statusAt: messages.statusAt,
  failure: messages.failure,
  contextWamid: messages.contextWamid,
  context: messages.context,
  referral: messages.referral,
  mediaId: messages.mediaId,
  mediaMimeType: messages.mediaMimeType,
  mediaState: messages.mediaState,
}

/** One keyset page of a contact's messages, oldest first. */
export async function listMessageRows(
  tx: Tx,
  contactId: string,
  page: { after?: Keyset | undefined; limit: number },
) {
  const { after, limit } = page
  const rows = await tx
    .select({ ...messageColumns, position: exactTime(messages.sentAt) })
    .from(messages)
    .where(
      and(
        eq(messages.contactId, contactId),
        after &&
          sql`(${messages.sentAt}, ${messages.id}) > (${after.at}::timestamptz, ${after.id}::uuid)`,
      ),
    )
    .orderBy(asc(messages.sentAt), asc(messages.id))
    .limit(limit + 1)
  return pageOf(rows, limit)
}

/** The contact's standing reactions (removed ones excluded) to any of these messages. */
export async function listReactionRows(tx: Tx, contactId: string, targetWamids: string[]) {
  if (targetWamids.length === 0) return []
  return tx
    .select({
      targetWamid: messageReactions.targetWamid,
      emojiEnc: messageReactions.emojiEnc,
      reactedAt: messageReactions.reactedAt,
    })
    .from(messageReactions)
    .where(
      and(
        eq(messageReactions.contactId, contactId),
        inArray(messageReactions.targetWamid, targetWamids),
        isNotNull(messageReactions.emojiEnc),
      ),
    )
    .orderBy(asc(messageReactions.reactedAt))
}

/** A message as the read API loads it. */
export type MessageRow = Awaited<ReturnType<typeof listMessageRows>>['rows'][number]

/** A standing reaction as the read API loads it. */
export type ReactionRow = Awaited<ReturnType<typeof listReactionRows>>[number]
