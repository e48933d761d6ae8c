import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { formFields, isHtmx } from '../http/forms.js'
import { isAppError } from '../errors.js'
import type { Tx } from '../db/tenant.js'
import { recordAudit } from '../audit/record-audit.js'
import { actingOf, consoleScopeOf, type ConsoleScope } from '../http/actor.js'
import type { AuditEvent } from '../audit/record-audit.js'
import {
  addContactLabel,
  addContactNote,
  removeContactLabel,
  renameContact,
} from './change-profile.js'
import { renderProfilePanel, type ProfileForm } from './contact-page.js'
import { readContactName, readLabel, readNoteBody, type Checked } from './profile-rules.js'

/** One of the contact panel's forms: its field, how it is read, the change and what to say. */
export interface ProfileSubmission<T> {
  readonly form: ProfileForm
  readonly field: string
  readonly read: (raw: string | undefined) => Checked<T>
  readonly apply: (
    tx: Tx,
    scope: ConsoleScope,
    contactId: string,
    value: T,
  ) => Promise<AuditEvent | undefined>
  readonly notice: string
}

/** The name form: a custom name, or blank for the WhatsApp name. */
export const NAME_FORM: ProfileSubmission<string | null> = {
  form: 'name',
  field: 'name',
  read: readContactName,
  apply: (tx, _scope, contactId, name) => renameContact(tx, contactId, name),
  notice: 'Name saved.',
}

/** The note form: an internal note, signed by the user. */
export const NOTE_FORM: ProfileSubmission<string> = {
  form: 'note',
  field: 'body',
  read: readNoteBody,
  apply: (tx, { principal, deps }, contactId, body) => {
    const userId = principal.kind === 'user' ? principal.id : null
    const author = { workspaceId: principal.workspaceId, userId, name: principal.name }
    return addContactNote(tx, deps.cipher, { author, contactId, body })
  },
  notice: 'Note added.',
}

/** The add-label form. */
export const LABEL_FORM: ProfileSubmission<string> = {
  form: 'label',
  field: 'label',
  read: readLabel,
  apply: (tx, { principal }, contactId, label) =>
    addContactLabel(tx, { workspaceId: principal.workspaceId, contactId, label }),
  notice: 'Label added.',
}

/** A label's remove button. */
export const UNLABEL_FORM: ProfileSubmission<string> = {
  form: 'label',
  field: 'label',
  read: readLabel,
  apply: (tx, _scope, contactId, label) => removeContactLabel(tx, contactId, label),
  notice: 'Label removed.',
}

/**
 * Reads one panel form, makes the change and its audit entry in one transaction, and answers
 * the panel (htmx) or a redirect to the contact page; a problem is 422 with what was typed.
 */
export async function submitProfile<T>(
  c: Context<AppEnv>,
  contactId: string,
  submission: ProfileSubmission<T>,
) {
  const { form, field } = submission
  const typed = (await formFields(c))[field] ?? ''
  const checked = submission.read(typed)
  if (!checked.ok) {
    return renderProfilePanel(c, contactId, { form, error: checked.problem, typed }, 422)
  }
  const { value } = checked
  try {
    await c.var.tenant(async (tx) => {
      const event = await submission.apply(tx, consoleScopeOf(c), contactId, value)
      if (event) await recordAudit(tx, actingOf(c), event)
    })
  } catch (error) {
    // Only the label cap is found inside the transaction; anything else is not the user's to fix.
    if (!isAppError(error, 'validation_failed')) throw error
    return renderProfilePanel(c, contactId, { form, error: error.message, typed }, 422)
  }
  if (!isHtmx(c)) return c.redirect(`/contacts/${contactId}`, 303)
  return renderProfilePanel(c, contactId, { form, notice: submission.notice })
}
