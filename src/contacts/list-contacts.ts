import type { FieldCipher } from '../crypto/field-cipher.js'
import type { Tx } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { listContactRows } from './contacts-read.repo.js'
import { decodeCursor, nextCursor, pageLimit } from './pagination.js'
import { toE164 } from './phone.js'
import { nameFilterFor, type NameFilter } from './name-search.js'
import { contactJson } from './show-contact.js'
import { allowNumberSearch, type Searcher } from './number-search.js'
import { seesOnlyOwnAndUnassigned } from '../inbox/inbox-rules.js'

/** The contact list's query string, as received. */
export interface ContactQuery {
  phone?: string | undefined
  q?: string | undefined
  limit?: string | undefined
  cursor?: string | undefined
}

const CONTACT_PAGE = { fallback: 50, max: 200 }
const MAX_SEARCH_LENGTH = 100

function phoneOf(raw: string | undefined) {
  if (raw === undefined) return undefined
  const phone = toE164(raw)
  if (phone === undefined) {
    throw new AppError('validation_failed', 'phone must be a number in E.164 or digits only')
  }
  return phone
}

function searchTextOf(raw: string | undefined) {
  if (raw === undefined) return undefined
  const text = raw.trim()
  if (text.length < 1 || text.length > MAX_SEARCH_LENGTH) {
    throw new AppError('validation_failed', `q must be 1 to ${MAX_SEARCH_LENGTH} characters`)
  }
  return text
}

/**
 * One page of the contacts this searcher may see (sales: those of their own and unassigned
 * conversations), most recent inbound first, by phone and/or name.
 */
export async function listContacts(
  tx: Tx,
  cipher: FieldCipher,
  query: ContactQuery,
  searcher: Searcher,
) {
  const name = searchTextOf(query.q)
  const phone = phoneOf(query.phone)
  if (phone !== undefined) await allowNumberSearch(tx, cipher, searcher, phone)
  const names: Partial<NameFilter> = name === undefined ? {} : await nameFilterFor(tx, name)
  if (names.ids?.length === 0) return { data: [], nextCursor: null }
  const { viewer } = searcher
  const page = await listContactRows(tx, {
    // One index per key: a number stored before a key rotation is still found.
    phoneIndexes: phone === undefined ? undefined : cipher.blindIndexes(phone),
    ownOrUnassignedOf: seesOnlyOwnAndUnassigned(viewer) ? viewer.userId : undefined,
    ...names,
    after: decodeCursor(query.cursor),
    limit: pageLimit(query.limit, CONTACT_PAGE),
  })
  return { data: page.rows.map((row) => contactJson(row, cipher)), nextCursor: nextCursor(page) }
}
