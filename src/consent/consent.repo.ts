import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { consentEvents, contacts, type ConsentScope } from '../db/schema.js'

/** A contact's consent columns and the identity its log entries are keyed by. */
export interface ContactConsentRow {
  consentState: string
  consentAt: Date | null
  marketingState: string
  marketingAt: Date | null
  phoneIndex: string | null
  bsuid: string | null
}

/** Reads and locks a contact's consent: changes to one contact are applied one at a time. */
export async function lockContactConsent(
  tx: Tx,
  contactId: string,
): Promise<ContactConsentRow | undefined> {
  const [row] = await tx
    .select({
      consentState: contacts.consentState,
      consentAt: contacts.consentAt,
      marketingState: contacts.marketingState,
      marketingAt: contacts.marketingAt,
      phoneIndex: contacts.phoneIndex,
      bsuid: contacts.bsuid,
    })
    .from(contacts)
    .where(eq(contacts.id, contactId))
    .for('update')
  return row
}

/** Appends a log entry; undefined when this message's change was logged already. */
export async function insertConsentEvent(
  tx: Tx,
  row: typeof consentEvents.$inferInsert,
): Promise<string | undefined> {
  const [created] = await tx
    .insert(consentEvents)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: consentEvents.id })
  return created?.id
}

/** Sets a contact's state in one scope; `eventId` marks the change a confirmation may answer. */
export async function setContactConsent(
  tx: Tx,
  contactId: string,
  scope: ConsentScope,
  change: { state: string; at: Date; eventId?: string | undefined },
): Promise<void> {
  const set =
    scope === 'messaging'
      ? {
          consentState: change.state as 'subscribed' | 'opted_out',
          consentAt: change.at,
          ...(change.eventId && { consentEventId: change.eventId }),
        }
      : { marketingState: change.state as 'allowed' | 'stopped', marketingAt: change.at }
  await tx.update(contacts).set(set).where(eq(contacts.id, contactId))
}

/**
 * Gives a new contact the consent its phone or BSUID already had: an erased contact's log
 * entries stay under keyed hashes, so a person who opted out is still opted out when they
 * come back. Re-attaches those entries to the new record.
 */
export async function inheritConsent(
  tx: Tx,
  contactId: string,
  hashes: { phone: readonly string[]; bsuid: readonly string[] },
): Promise<void> {
  const orphaned = await tx
    .update(consentEvents)
    .set({ contactId })
    .where(
      and(
        isNull(consentEvents.contactId),
        or(
          inArray(consentEvents.phoneHash, [...hashes.phone]),
          inArray(consentEvents.bsuidHash, [...hashes.bsuid]),
        ),
      ),
    )
    .returning({ id: consentEvents.id })
  if (orphaned.length === 0) return
  // Locked as every consent change locks it, so a send in flight to the contact finishes first.
  await lockContactConsent(tx, contactId)
  await tx.execute(sql`
    with latest as (
      select distinct on (scope) scope, new_state, occurred_at, id from consent_events
      where contact_id = ${contactId} and not superseded
      order by scope, occurred_at desc, new_state in ('opted_out', 'stopped') desc
    )
    update contacts c set
      consent_state = coalesce(m.new_state, c.consent_state),
      consent_at = coalesce(m.occurred_at, c.consent_at),
      consent_event_id = coalesce(m.id, c.consent_event_id),
      marketing_state = coalesce(k.new_state, c.marketing_state),
      marketing_at = coalesce(k.occurred_at, c.marketing_at)
    from (select 1) one
    left join latest m on m.scope = 'messaging'
    left join latest k on k.scope = 'marketing'
    where c.id = ${contactId}`)
}

/**
 * Locks, in id order, the contacts with these phone indexes or BSUIDs: a transaction that will
 * change their consent takes the contact before it touches anything of theirs (one lock order
 * everywhere: contact, then conversation).
 */
export async function lockContactsFor(
  tx: Tx,
  ids: { phoneIndexes: readonly string[]; bsuids: readonly string[] },
): Promise<void> {
  if (ids.phoneIndexes.length === 0 && ids.bsuids.length === 0) return
  await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(
      or(
        ids.phoneIndexes.length > 0
          ? inArray(contacts.phoneIndex, [...ids.phoneIndexes])
          : undefined,
        ids.bsuids.length > 0 ? inArray(contacts.bsuid, [...ids.bsuids]) : undefined,
      ),
    )
    .orderBy(contacts.id)
    .for('update')
}
