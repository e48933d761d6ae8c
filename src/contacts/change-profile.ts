import type { AuditEvent } from '../audit/record-audit.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { isUuid, type Tx } from '../db/tenant.js'
import { AppError } from '../errors.js'
import {
  deleteContactLabel,
  insertContactLabel,
  insertContactNote,
  listContactLabels,
  lockContactLabels,
  lockContactName,
  setCustomName,
} from './contact-profile.repo.js'
import { labelLimitProblem } from './profile-rules.js'
import { loadContactRow } from './show-contact.js'

// Each change answers the audit entry that describes it (the caller writes it in the same
// transaction), or undefined when nothing changed and there is nothing to record.

/** Who writes a note: the user (null once deleted, so the note keeps a name) of a workspace. */
export interface NoteAuthor {
  readonly workspaceId: string
  readonly userId: string | null
  readonly name: string
}

function contactEvent(action: string, contactId: string, details: Record<string, unknown>) {
  return { action, recordType: 'contact', recordId: contactId, details }
}

/** Gives the contact a name of the agents' choosing, or clears it (null: the WhatsApp name). */
export async function renameContact(
  tx: Tx,
  contactId: string,
  name: string | null,
): Promise<AuditEvent | undefined> {
  const current = isUuid(contactId) ? await lockContactName(tx, contactId) : undefined
  if (!current) throw new AppError('not_found')
  if (current.customName === name) return undefined
  await setCustomName(tx, contactId, name)
  return contactEvent('contact.rename', contactId, { from: current.customName, to: name })
}

/** Adds an internal note, encrypted like message text; its audit entry names the note, not its text. */
export async function addContactNote(
  tx: Tx,
  cipher: FieldCipher,
  note: { readonly author: NoteAuthor; readonly contactId: string; readonly body: string },
): Promise<AuditEvent> {
  const { author, body } = note
  const contact = await loadContactRow(tx, note.contactId)
  const noteId = await insertContactNote(tx, {
    workspaceId: author.workspaceId,
    contactId: contact.id,
    authorId: author.userId,
    authorName: author.name,
    bodyEnc: cipher.encrypt(body),
  })
  return contactEvent('contact.note', contact.id, { noteId })
}

/** Labels the contact (a label it has already is no change); validation_failed past the cap. */
export async function addContactLabel(
  tx: Tx,
  change: { readonly workspaceId: string; readonly contactId: string; readonly label: string },
): Promise<AuditEvent | undefined> {
  const contact = await loadContactRow(tx, change.contactId)
  await lockContactLabels(tx, contact.id)
  const problem = labelLimitProblem(await listContactLabels(tx, contact.id), change.label)
  if (problem) throw new AppError('validation_failed', problem)
  const added = await insertContactLabel(tx, { ...change, contactId: contact.id })
  return added ? contactEvent('contact.label_add', contact.id, { label: change.label }) : undefined
}

/** Takes a label off the contact (one it does not have is no change). */
export async function removeContactLabel(
  tx: Tx,
  contactId: string,
  label: string,
): Promise<AuditEvent | undefined> {
  const contact = await loadContactRow(tx, contactId)
  const removed = await deleteContactLabel(tx, contact.id, label)
  return removed ? contactEvent('contact.label_remove', contact.id, { label }) : undefined
}
