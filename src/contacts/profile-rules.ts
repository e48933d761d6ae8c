/** A read form value: the clean value, or a problem in words the agent can act on. */
export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string }

/** The longest custom name a contact may be given. */
export const MAX_NAME_LENGTH = 100
/** The longest internal note. */
export const MAX_NOTE_LENGTH = 2000
/** The longest label. */
export const MAX_LABEL_LENGTH = 40
/** How many labels one contact may carry. */
export const MAX_LABELS = 20

const LABEL_CHARACTERS = /^[\p{L}\p{N} _-]+$/u

const ok = <T>(value: T): Checked<T> => ({ ok: true, value })
const problem = (text: string): Checked<never> => ({ ok: false, problem: text })

/** A custom name: trimmed, at most 100 characters; blank means "back to the WhatsApp name" (null). */
export function readContactName(raw: string | undefined): Checked<string | null> {
  const name = (raw ?? '').trim()
  if (name === '') return ok(null)
  if (name.length > MAX_NAME_LENGTH) {
    return problem(`The name is too long: at most ${MAX_NAME_LENGTH} characters.`)
  }
  return ok(name)
}

/** An internal note: trimmed, 1 to 2000 characters. */
export function readNoteBody(raw: string | undefined): Checked<string> {
  const body = (raw ?? '').trim()
  if (body === '') return problem('Write something before adding the note.')
  if (body.length > MAX_NOTE_LENGTH) {
    return problem(`The note is too long: at most ${MAX_NOTE_LENGTH} characters.`)
  }
  return ok(body)
}

/**
 * A label: trimmed, inner spaces collapsed and folded to lower case, so "VIP  Lead" and
 * "vip lead" are one label; letters, digits, spaces, - and _ only, at most 40 characters.
 */
export function readLabel(raw: string | undefined): Checked<string> {
  // NFC first: a decomposed "é" is a letter plus a mark, which the character check would refuse.
  const label = (raw ?? '').normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase()
  if (label === '') return problem('Type a label first.')
  if (label.length > MAX_LABEL_LENGTH) {
    return problem(`The label is too long: at most ${MAX_LABEL_LENGTH} characters.`)
  }
  if (!LABEL_CHARACTERS.test(label)) {
    return problem('A label may hold only letters, digits, spaces, - and _.')
  }
  return ok(label)
}

/** Why this label may not be added to a contact that has `existing`, or undefined when it may. */
export function labelLimitProblem(existing: readonly string[], label: string): string | undefined {
  // Adding a label the contact already has changes nothing, so it is never over the limit.
  if (existing.includes(label) || existing.length < MAX_LABELS) return undefined
  return `A contact can have at most ${MAX_LABELS} labels: remove one first.`
}

/** The names a contact may be known by; any of them may be missing. */
export interface NameSources {
  readonly customName: string | null
  readonly profileName: string | null
  readonly username: string | null
}

/** What the console calls a contact: the agent's name, else WhatsApp's profile name or username. */
export function displayNameOf(names: NameSources): string {
  return names.customName || names.profileName || names.username || 'Unnamed contact'
}
