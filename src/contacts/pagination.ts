import { isUuid } from '../db/tenant.js'
import { AppError } from '../errors.js'
import type { Keyset, RowPage } from './contacts-read.repo.js'

// The exact form contacts-read.repo.ts writes positions in; anything else was not ours.
const POSITION_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/

/** Reads `limit`: absent gives the fallback, else a whole number from 1 to max. */
export function pageLimit(raw: string | undefined, sizes: { fallback: number; max: number }) {
  if (raw === undefined) return sizes.fallback
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : 0
  if (limit < 1 || limit > sizes.max) {
    throw new AppError('validation_failed', `limit must be a whole number from 1 to ${sizes.max}`)
  }
  return limit
}

/** The opaque cursor for "after this row". */
export function encodeCursor(position: Keyset): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url')
}

/** The position a cursor stands for; a cursor Parley did not give out is validation_failed. */
export function decodeCursor(raw: string | undefined): Keyset | undefined {
  // An empty cursor is how many clients ask for the first page.
  if (raw === undefined || raw === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    parsed = undefined
  }
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [at, id] = parsed as unknown[]
    const atValid = at === null || (typeof at === 'string' && POSITION_TIME.test(at))
    if (atValid && typeof id === 'string' && isUuid(id)) return { at, id }
  }
  throw new AppError('validation_failed', 'cursor is not one this API gave out')
}

/** The cursor for the page after this one, or null on the last page. */
export function nextCursor(page: RowPage<{ id: string; position: string | null }>) {
  const last = page.rows.at(-1)
  return page.hasMore && last ? encodeCursor({ at: last.position, id: last.id }) : null
}
