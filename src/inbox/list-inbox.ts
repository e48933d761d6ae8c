import type { FieldCipher } from '../crypto/field-cipher.js'
import type { Tx } from '../db/tenant.js'
import { decodeCursor, nextCursor } from '../contacts/pagination.js'
import { shownPhone } from '../contacts/phone.js'
import { displayNameOf } from '../contacts/profile-rules.js'
import { shortTime } from '../console/readable-time.js'
import { nameFilterFor } from '../contacts/name-search.js'
import { allowNumberSearch, type Searcher } from '../contacts/number-search.js'
import {
  countInboxViews,
  listInboxRows,
  type InboxCounts,
  type InboxRow,
  type InboxView,
} from './inbox.repo.js'
import { shownWords } from './unstored-words.js'
import { searchOf, seesOnlyOwnAndUnassigned, type InboxSearch, type Viewer } from './inbox-rules.js'

/** The inbox's query string, as received, and who asks. */
export interface InboxQuery {
  readonly view: InboxView
  readonly q?: string | undefined
  readonly cursor?: string | undefined
  readonly viewer: Viewer
  /** Who searches: a sales user's number searches are audited and limited. */
  readonly searcher: Searcher
  readonly maskPhones: boolean
  readonly now: Date
  readonly timeZone: string
}

const INBOX_PAGE = 50
const PREVIEW_LENGTH = 80

// Types without words are named, so a row never reads as empty.
function previewOf(row: InboxRow, cipher: FieldCipher): string {
  const text = shownWords(row.lastType, row.lastTextEnc ? cipher.decrypt(row.lastTextEnc) : null)
  const words = text ?? (row.lastType ? `[${row.lastType}]` : '')
  const short = words.length > PREVIEW_LENGTH ? `${words.slice(0, PREVIEW_LENGTH - 1)}…` : words
  if (row.lastDirection !== 'outbound') return short
  return row.lastAutomatic ? `Automatic reply: ${short}` : `You: ${short}`
}

function itemOf(row: InboxRow, cipher: FieldCipher, query: InboxQuery) {
  const phone = row.phoneEnc ? cipher.decrypt(row.phoneEnc) : null
  return {
    id: row.id,
    name: displayNameOf(row),
    phone: shownPhone(phone, query.maskPhones),
    unread: row.unreadCount,
    at: row.lastMessageAt.toISOString(),
    time: shortTime(row.lastMessageAt, query.now, query.timeZone),
    preview: previewOf(row, cipher),
    assigneeName: row.assigneeName,
    optedOut: row.consentState === 'opted_out',
  }
}

async function nameFilterOf(tx: Tx, search: InboxSearch) {
  if (!('name' in search)) return {}
  const { ids, nameContains } = await nameFilterFor(tx, search.name)
  return ids ? { contactIds: ids } : { nameContains }
}

/** One page of the inbox for this viewer: latest activity first, filtered and searched. */
export async function listInbox(tx: Tx, cipher: FieldCipher, query: InboxQuery) {
  const search = searchOf(query.q)
  if ('phone' in search) await allowNumberSearch(tx, cipher, query.searcher, search.phone)
  const names = await nameFilterOf(tx, search)
  if (names.contactIds?.length === 0) return { items: [], nextCursor: null }
  const page = await listInboxRows(tx, {
    view: query.view,
    userId: query.viewer.userId,
    ownAndUnassignedOnly: seesOnlyOwnAndUnassigned(query.viewer),
    phoneIndexes: 'phone' in search ? cipher.blindIndexes(search.phone) : undefined,
    ...names,
    after: decodeCursor(query.cursor),
    limit: INBOX_PAGE,
  })
  return { items: page.rows.map((row) => itemOf(row, cipher, query)), nextCursor: nextCursor(page) }
}

/** The inbox tabs' counts for this viewer (search aside: a tab counts its whole view). */
export function countInbox(tx: Tx, viewer: Viewer): Promise<InboxCounts> {
  return countInboxViews(tx, {
    userId: viewer.userId,
    ownAndUnassignedOnly: seesOnlyOwnAndUnassigned(viewer),
  })
}
