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

/**
 * The view asked for, or "all": for sales that is their own and the unassigned conversations,
 * so a new conversation nobody took yet is in front of them, not a click away.
 */
export function viewOf(raw: string | undefined): InboxView {
  return INBOX_VIEWS.find((view) => view === raw) ?? 'all'
}

/** The tabs' names; a sales user's "all" is not everyone's, and says so. */
export function viewLabelsFor(viewer: Viewer): Readonly<Record<InboxView, string>> {
  const all = seesOnlyOwnAndUnassigned(viewer) ? 'Mine + unassigned' : 'All'
  return { mine: 'Mine', unassigned: 'Unassigned', all, opted_out: 'Opted out' }
}

/** What an empty inbox view says, and where the waiting conversations are if there are any. */
export interface EmptyInbox {
  readonly text: string
  readonly link?: { readonly view: InboxView; readonly label: string }
}

function conversationsWord(count: number): string {
  return count === 1 ? '1 conversation' : `${String(count)} conversations`
}

/** The inbox tab's title: unread conversations counted first, so a background tab shows them. */
export function inboxTitle(unread: number): string {
  return unread > 0 ? `(${String(unread)}) Inbox` : 'Inbox'
}

/**
 * What the inbox's polite live region says after a refresh: a screen reader announces it when it
 * changes, so a new message (a new newest preview) is announced, and reading one too.
 */
export function unreadNews(unread: number, newest?: { name: string; preview: string }): string {
  if (unread === 0) return ''
  const count = `${conversationsWord(unread)} with unread messages.`
  return newest ? `${count} Newest: ${newest.name}: ${newest.preview}` : count
}

/**
 * An empty view's words. "Nobody wrote yet" only when the viewer has no conversation at all;
 * otherwise it points at the ones waiting elsewhere, unassigned first.
 */
export function emptyInboxOf(
  view: InboxView,
  counts: Readonly<Record<InboxView, number>>,
): EmptyInbox {
  if (counts.all === 0) {
    return {
      text: 'No conversations here yet: they appear when someone writes to your WhatsApp number.',
    }
  }
  const here = {
    mine: 'Nothing is assigned to you.',
    unassigned: 'Every conversation is assigned.',
    all: 'No conversations here.',
    opted_out: 'No opted-out contacts.',
  }[view]
  if (view !== 'unassigned' && counts.unassigned > 0) {
    const waiting = `${conversationsWord(counts.unassigned)} waiting for someone to take them.`
    return { text: `${here} ${waiting}`, link: { view: 'unassigned', label: 'Show unassigned' } }
  }
  const elsewhere = `${conversationsWord(counts.all)} in the inbox.`
  return { text: `${here} ${elsewhere}`, link: { view: 'all', label: 'Show them' } }
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
