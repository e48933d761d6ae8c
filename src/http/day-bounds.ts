import { AppError } from '../errors.js'
import { nextDay, startOfDay } from '../console/time-zone.js'

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/**
 * A `from`/`to` filter from a URL: an ISO time, or a bare date meaning that whole day on the
 * workspace's clock (`timeZone`), so `to=2026-11-20` includes the 20th until midnight there.
 * Absent or empty is no bound; anything else is validation_failed naming the parameter.
 */
export function parseDayBound(
  raw: string | undefined,
  bound: { name: string; isEnd: boolean; timeZone: string },
): Date | undefined {
  if (raw === undefined || raw === '') return undefined
  const valid = !Number.isNaN(Date.parse(DATE_ONLY.test(raw) ? `${raw}T00:00:00Z` : raw))
  if (!valid) {
    throw new AppError(
      'validation_failed',
      `${bound.name} must be a date (2026-11-20) or an ISO time`,
    )
  }
  if (!DATE_ONLY.test(raw)) return new Date(raw)
  return startOfDay(bound.isEnd ? nextDay(raw) : raw, bound.timeZone)
}

/**
 * The `from`/`to` pair of a filter, each as parseDayBound reads it; a `from` after the `to` is
 * validation_failed rather than an empty answer that looks like "nothing happened".
 */
export function parseDayRange(
  raw: { readonly from?: string | undefined; readonly to?: string | undefined },
  timeZone: string,
): { from: Date | undefined; to: Date | undefined } {
  const from = parseDayBound(raw.from, { name: 'from', isEnd: false, timeZone })
  const to = parseDayBound(raw.to, { name: 'to', isEnd: true, timeZone })
  if (from && to && from > to) {
    throw new AppError('validation_failed', 'from must not be after to')
  }
  return { from, to }
}
