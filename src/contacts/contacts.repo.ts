import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { contactTouches, contacts, type Touch } from '../db/schema.js'
import { mergeConversationInto } from '../conversations/conversations.repo.js'

/** The identity and profile columns of a contact. */
export type ContactIdentityRow = Pick<
  typeof contacts.$inferSelect,
  'id' | 'bsuid' | 'phoneIndex' | 'profileName' | 'username' | 'countryCode' | 'parentBsuid'
>

const identityColumns = {
  id: contacts.id,
  bsuid: contacts.bsuid,
  phoneIndex: contacts.phoneIndex,
  profileName: contacts.profileName,
  username: contacts.username,
  countryCode: contacts.countryCode,
  parentBsuid: contacts.parentBsuid,
}

/** The contact with this business-scoped user id, if any. */
export async function findContactByBsuid(tx: Tx, bsuid: string) {
  const [row] = await tx.select(identityColumns).from(contacts).where(eq(contacts.bsuid, bsuid))
  return row
}

/** The contact whose phone has one of these blind indexes (one per key during a rotation). */
export async function findContactByPhoneIndexes(tx: Tx, indexes: string[]) {
  if (indexes.length === 0) return undefined
  const [row] = await tx
    .select(identityColumns)
    .from(contacts)
    .where(inArray(contacts.phoneIndex, indexes))
  return row
}

/** Inserts a contact; returns undefined when a concurrent insert took the same bsuid or phone. */
export async function insertContact(tx: Tx, row: typeof contacts.$inferInsert) {
  const [created] = await tx
    .insert(contacts)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: contacts.id })
  return created?.id
}

/** Updates identity and profile fields of a contact (only the fields given). */
export async function updateContact(
  tx: Tx,
  id: string,
  fields: Partial<typeof contacts.$inferInsert>,
): Promise<void> {
  await tx
    .update(contacts)
    .set({ ...fields, updatedAt: sql`now()` })
    .where(eq(contacts.id, id))
}

/**
 * Moves everything of contact `fromId` to `intoId` and deletes `fromId`: the two records were
 * one person seen once by BSUID and once by phone. Keeps the earliest first touch.
 */
export async function mergeContactInto(tx: Tx, fromId: string, intoId: string): Promise<void> {
  // Both records locked first, in a fixed order: sends and consent changes in flight to either
  // finish before anything moves, and none can start on the record about to go.
  await tx.execute(sql`
    select id from contacts where id in (${fromId}, ${intoId}) order by id for update`)
  await tx.execute(sql`
    delete from message_reactions r using message_reactions keep
    where r.contact_id = ${fromId} and keep.contact_id = ${intoId}
      and keep.target_wamid = r.target_wamid and keep.workspace_id = r.workspace_id`)
  await tx.execute(sql`
    delete from preference_updates p using preference_updates keep
    where p.contact_id = ${fromId} and keep.contact_id = ${intoId} and keep.category = p.category
      and keep.value = p.value and keep.occurred_at = p.occurred_at`)
  const owned = ['messages', 'contact_touches', 'message_reactions', 'preference_updates', 'sends']
  for (const table of [...owned, 'consent_events']) {
    await tx.execute(
      sql`update ${sql.identifier(table)} set contact_id = ${intoId} where contact_id = ${fromId}`,
    )
  }
  await mergeConversationInto(tx, fromId, intoId)
  await tx.execute(sql`
    update contacts c set
      custom_name = coalesce(c.custom_name, f.custom_name),
      first_touch = case when f.first_touch_at < c.first_touch_at or c.first_touch is null
        then f.first_touch else c.first_touch end,
      first_touch_at = least(c.first_touch_at, f.first_touch_at),
      last_inbound_at = greatest(c.last_inbound_at, f.last_inbound_at),
      created_at = least(c.created_at, f.created_at),
      ${newerConsentOf('consent_state', 'consent_at', 'opted_out')},
      consent_event_id = case when ${sql.raw(fromWins('consent_state', 'consent_at', 'opted_out'))}
        then f.consent_event_id else c.consent_event_id end,
      ${newerConsentOf('marketing_state', 'marketing_at', 'stopped')}
    from contacts f where c.id = ${intoId} and f.id = ${fromId}`)
  await tx.delete(contacts).where(eq(contacts.id, fromId))
}

// The merged record keeps, per scope, the consent decided by the more recent event.
// As in consent/state-rules.ts: the later event wins, and on a tie the restrictive state.
const fromWins = (state: string, at: string, restrictive: string) =>
  `(coalesce(f.${at}, '-infinity') > coalesce(c.${at}, '-infinity')
    or (f.${at} = c.${at} and f.${state} = '${restrictive}'))`
const newerConsentOf = (state: string, at: string, restrictive: string) =>
  sql.raw(`${state} = case when ${fromWins(state, at, restrictive)} then f.${state}
      else c.${state} end,
      ${at} = greatest(c.${at}, f.${at})`)

/** Moves the contact's last inbound time forward (never back: events arrive out of order). */
export async function touchLastInbound(tx: Tx, id: string, at: Date): Promise<void> {
  await tx
    .update(contacts)
    .set({ lastInboundAt: at })
    .where(
      and(
        eq(contacts.id, id),
        sql`(${contacts.lastInboundAt} is null or ${contacts.lastInboundAt} < ${at})`,
      ),
    )
}

/** Sets the first-touch source unless an earlier one is already recorded. */
export async function offerFirstTouch(tx: Tx, id: string, touch: Touch, at: Date): Promise<void> {
  await tx
    .update(contacts)
    .set({ firstTouch: touch, firstTouchAt: at })
    .where(
      and(
        eq(contacts.id, id),
        sql`(${contacts.firstTouchAt} is null or ${contacts.firstTouchAt} > ${at})`,
      ),
    )
}

/** Records a referral the contact arrived with, once per message. */
export async function insertTouch(tx: Tx, row: typeof contactTouches.$inferInsert): Promise<void> {
  await tx.insert(contactTouches).values(row).onConflictDoNothing()
}
