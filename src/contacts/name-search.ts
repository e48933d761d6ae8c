import type { Tx } from '../db/tenant.js'
import { findContactIdsNamed } from './contacts-read.repo.js'

/** How a list narrows to a name: the contacts the index found, or a match row by row. */
export type NameFilter =
  | { readonly ids: readonly string[]; readonly nameContains?: undefined }
  | { readonly nameContains: string; readonly ids?: undefined }

// Fewer than three letters make no trigram, and a name on more contacts than this is common
// enough that walking a list in its order finds a page sooner than joining every match.
const INDEXED_NAME_MIN = 3
const INDEXED_MATCHES_MAX = 2000

/** The filter for contacts whose names contain `text`, by the trigram index when it helps. */
export async function nameFilterFor(tx: Tx, text: string): Promise<NameFilter> {
  if (text.length < INDEXED_NAME_MIN) return { nameContains: text }
  const ids = await findContactIdsNamed(tx, text, INDEXED_MATCHES_MAX + 1)
  return ids.length > INDEXED_MATCHES_MAX ? { nameContains: text } : { ids }
}
