import type { Role } from '../db/schema.js'
import { toE164 } from '../contacts/phone.js'
import { INBOX_VIEWS, type InboxView } from './inbox.repo.js'

/** Who is looking at the inbox. */
export interface Viewer {
  readonly userId: string
  readonly role: Role
}

/** Sales users work their own and the unassigned conversations; everyone above sees all. */
export function seesOnlyOwnAndUnassigned(viewer: Viewer): boolean {
  return viewer.role === 'sales'
}

/** True when the viewer may open a conversation with this assignee. */
export function mayOpen(viewer: Viewer, assigneeId: string | null): boolean {
  return !seesOnlyOwnAndUnassigned(viewer) || assigneeId === null || assigneeId === viewer.userId
}

/** The view asked for, or the viewer's default (sales start on their own conversations). */
export function viewOf(raw: string | undefined, viewer: Viewer): InboxView {
  const known = INBOX_VIEWS.find((view) => view === raw)
  if (known) return known
  return seesOnlyOwnAndUnassigned(viewer) ? 'mine' : 'all'
}

/** What a search box's words look for: a phone number (full, any format) or a name. */
export type InboxSearch =
  { readonly phone: string } | { readonly name: string } | { readonly none: true }

const PHONE_LIKE = /^\+?[\d\s().-]+$/

/** Reads the search box: digits (with + ( ) - . and spaces) are a number, anything else a name. */
export function searchOf(raw: string | undefined): InboxSearch {
  const text = (raw ?? '').trim().slice(0, 100)
  if (text === '') return { none: true }
  if (PHONE_LIKE.test(text)) {
    const phone = toE164(text)
    // Too few digits to be a number: numbers are stored encrypted, so only whole ones match.
    return phone ? { phone } : { name: text }
  }
  return { name: text }
}
