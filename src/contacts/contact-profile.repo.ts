import { and, asc, desc, eq, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { contactLabels, contactNotes, contacts } from '../db/schema.js'

const NOTES_SHOWN = 50

/** The contact's custom name, its row locked for the rename; undefined when there is no such contact. */
export async function lockContactName(tx: Tx, contactId: string) {
  // no key update: the send gate's key-share lock on the contact does not hold a rename up.
  const [row] = await tx
    .select({ customName: contacts.customName })
    .from(contacts)
    .where(eq(contacts.id, contactId))
    .for('no key update')
  return row
}

/** Sets the name agents gave the contact, or clears it (null: the WhatsApp name shows again). */
export async function setCustomName(tx: Tx, contactId: string, name: string | null) {
  await tx
    .update(contacts)
    .set({ customName: name, updatedAt: sql`now()` })
    .where(eq(contacts.id, contactId))
}

/** A note as stored: the body still encrypted. */
export interface NoteInsert {
  readonly workspaceId: string
  readonly contactId: string
  readonly authorId: string | null
  readonly authorName: string
  readonly bodyEnc: string
}

/** Inserts an internal note; returns its id. */
export async function insertContactNote(tx: Tx, note: NoteInsert): Promise<string> {
  const [row] = await tx.insert(contactNotes).values(note).returning({ id: contactNotes.id })
  if (!row) throw new Error('note insert returned no row')
  return row.id
}

/** The contact's latest notes, newest first (at most 50). */
export function listContactNotes(tx: Tx, contactId: string) {
  return tx
    .select({
      id: contactNotes.id,
      authorName: contactNotes.authorName,
      bodyEnc: contactNotes.bodyEnc,
      createdAt: contactNotes.createdAt,
    })
    .from(contactNotes)
    .where(eq(contactNotes.contactId, contactId))
    .orderBy(desc(contactNotes.createdAt), desc(contactNotes.id))
    .limit(NOTES_SHOWN)
}

/** Holds the contact's labels for this transaction, so two additions cannot both pass the cap. */
export async function lockContactLabels(tx: Tx, contactId: string) {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtext('contact-labels'), hashtext(${contactId}))`,
  )
}

/** Adds a label; false when the contact already had it. */
export async function insertContactLabel(
  tx: Tx,
  row: { workspaceId: string; contactId: string; label: string },
): Promise<boolean> {
  const added = await tx
    .insert(contactLabels)
    .values(row)
    .onConflictDoNothing()
    .returning({ label: contactLabels.label })
  return added.length === 1
}

/** Removes a label; false when the contact did not have it. */
export async function deleteContactLabel(tx: Tx, contactId: string, label: string) {
  const removed = await tx
    .delete(contactLabels)
    .where(and(eq(contactLabels.contactId, contactId), eq(contactLabels.label, label)))
    .returning({ label: contactLabels.label })
  return removed.length === 1
}

/** The contact's labels, alphabetically. */
export async function listContactLabels(tx: Tx, contactId: string): Promise<string[]> {
  const rows = await tx
    .select({ label: contactLabels.label })
    .from(contactLabels)
    .where(eq(contactLabels.contactId, contactId))
    .orderBy(asc(contactLabels.label))
  return rows.map((row) => row.label)
}
