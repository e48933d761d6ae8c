import { AppError } from '../errors.js'

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/**
 * A `from`/`to` filter from a URL: an ISO time, or a bare date meaning that whole UTC day, so
 * `to=2026-11-20` includes the 20th. Absent or empty is no bound; anything else is
 * validation_failed naming the parameter.
 */
export function parseDayBound(
  raw: string | undefined,
  name: string,
  isEnd: boolean,
): Date | undefined {
  if (raw === undefined || raw === '') return undefined
  const at = new Date(DATE_ONLY.test(raw) ? `${raw}T00:00:00Z` : raw)
  if (Number.isNaN(at.getTime())) {
    throw new AppError('validation_failed', `${name} must be a date (2026-11-20) or an ISO time`)
  }
  return DATE_ONLY.test(raw) && isEnd ? new Date(at.getTime() + 24 * 3600_000) : at
}
