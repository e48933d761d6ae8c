/**
 * The ingest and processing path's guard against poison text. PostgreSQL refuses U+0000 in
 * `text` and `jsonb`, so a NUL anywhere in a signed body would fail its write (and, before this,
 * the write of the failure too): NULs are removed once, here, before anything is written.
 */

// Deeper than any shape Meta sends; recursion stops here so a 100 000-deep body cannot
// overflow the stack (the item check marks such an item malformed, see item-shapes.ts).
export const MAX_DEPTH = 64
// What `last_error` keeps of a failure: enough to diagnose, never a whole query with parameters.
const MAX_ERROR_LENGTH = 500

const BOM = '\uFEFF'

/**
 * Parses a webhook body. A leading byte-order mark is skipped rather than refused: the body is
 * signed as received, RFC 8259 §8.1 lets a parser ignore a BOM, and a 400 would only make Meta
 * retry the same bytes until it gives up, losing the messages in it.
 */
export function parseWebhookJson(text: string): unknown {
  return JSON.parse(text.startsWith(BOM) ? text.slice(BOM.length) : text)
}

/** `text` without NUL characters. */
export function stripNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text
}

/** A copy of a parsed JSON value with NULs removed from every string and key. */
export function withoutNul(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return stripNul(value)
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value
  if (Array.isArray(value)) return value.map((item) => withoutNul(item, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [stripNul(key), withoutNul(item, depth + 1)]),
  )
}

/** Whether a JSON value nests deeper than `limit` levels (stops looking at the limit). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (limit <= 0) return true
  return Object.values(value).some((item) => nestsDeeperThan(item, limit - 1))
}

/** A failure's text as it may be stored: no NUL, at most 500 characters. */
export function storableError(text: string): string {
  const clean = stripNul(text)
  return clean.length > MAX_ERROR_LENGTH ? `${clean.slice(0, MAX_ERROR_LENGTH - 1)}…` : clean
}
