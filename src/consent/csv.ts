import type { ConsentEntry } from './consent-log.js'
import { isoInZone } from '../console/readable-time.js'

type Cell = string | null | undefined

// Spreadsheets run a cell that starts with one of these as a formula ("CSV injection", OWASP);
// a leading apostrophe keeps it text. Tab and carriage return start formulas in some of them too.
const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

/** One CSV cell: formula-like text defused, quoted (quotes doubled) when it needs to be. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return ''
  const text = FORMULA_START.test(value) ? `'${value}` : value
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** One CSV record, ended with CRLF as RFC 4180 asks. */
export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`
}

/** The consent export's header record. */
export const CONSENT_CSV_HEADER = csvLine([
  'occurred_at',
  'recorded_at',
  'contact_id',
  'contact_name',
  'contact_phone',
  'scope',
  'method',
  'keyword',
  'language',
  'wamid',
  'actor_type',
  'actor',
  'reason',
  'previous_state',
  'new_state',
  'superseded',
])

/**
 * One consent log entry as a CSV record, in the header's column order. Times carry the
 * workspace zone's offset (2026-12-03T14:05:00+05:30): a spreadsheet shows the local hour and
 * the file still names the instant.
 */
export function consentCsvLine(entry: ConsentEntry, timeZone: string): string {
  return csvLine([
    isoInZone(new Date(entry.occurredAt), timeZone),
    isoInZone(new Date(entry.recordedAt), timeZone),
    entry.contact?.id,
    entry.contact?.name,
    entry.contact?.phone,
    entry.scope,
    entry.method,
    entry.keyword,
    entry.language,
    entry.wamid,
    entry.actor.type,
    entry.actor.name,
    entry.reason,
    entry.previousState,
    entry.newState,
    entry.superseded ? 'yes' : 'no',
  ])
}
