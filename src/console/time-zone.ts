import { z } from 'zod'
/** The zone a workspace without a chosen one reads and shows its times in. */
export const DEFAULT_TIME_ZONE = 'UTC'

// Area/City names as the IANA database spells them ("America/Argentina/Buenos_Aires"), or UTC.
// Intl alone also takes "utc" or "asia/kolkata"; a stored name is one spelling, shown as stored.
const ZONE_NAME = /^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/

/** True for an IANA zone name this runtime knows (Asia/Kolkata, America/Sao_Paulo, UTC). */
export function isTimeZone(name: string): boolean {
  if (!ZONE_NAME.test(name)) return false
  try {
    new Intl.DateTimeFormat('en', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/** The zones a select offers: UTC first, then every zone the runtime lists, A to Z. */
export function timeZoneChoices(current: string): readonly string[] {
  const listed = [DEFAULT_TIME_ZONE, ...Intl.supportedValuesOf('timeZone')]
  // Node's list spells some zones by their old names (Asia/Calcutta); keep the stored spelling.
  return listed.includes(current) ? listed : [DEFAULT_TIME_ZONE, current, ...listed.slice(1)]
}

/** A time's wall-clock parts in a zone. */
export interface ZonedParts {
  readonly date: string
  readonly hour: string
  readonly minute: string
  readonly second: string
  /** The zone's offset at that instant, as ISO 8601 writes it: +05:30, -03:00, Z. */
  readonly offset: string
}

const formats = new Map<string, Intl.DateTimeFormat>()

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    })
    formats.set(timeZone, format)
  }
  return format
}

/** What a clock in `timeZone` shows at `at`. */
export function zonedParts(at: Date, timeZone: string): ZonedParts {
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {}
  for (const { type, value } of formatIn(timeZone).formatToParts(at)) part[type] = value
  // longOffset says "GMT+05:30", and "GMT" or "GMT+00:00" at offset zero, which ISO writes Z.
  const named = (part.timeZoneName ?? 'GMT').replace('GMT', '')
  const offset = named === '' || named === '+00:00' ? 'Z' : named
  return {
    date: `${part.year ?? ''}-${part.month ?? ''}-${part.day ?? ''}`,
    hour: part.hour ?? '',
    minute: part.minute ?? '',
    second: part.second ?? '',
    offset,
  }
}

function offsetMs(offset: string): number {
  if (offset === 'Z') return 0
  const sign = offset.startsWith('-') ? -1 : 1
  const [hours = '0', minutes = '0'] = offset.slice(1).split(':')
  return sign * (Number(hours) * 60 + Number(minutes)) * 60_000
}

/**
 * The instant a calendar day (YYYY-MM-DD) starts in `timeZone`. The offset is read twice: the
 * first guess may sit on the other side of a daylight-saving change than the day's midnight.
 */
export function startOfDay(day: string, timeZone: string): Date {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`)
  const guess = midnightUtc - offsetMs(zonedParts(new Date(midnightUtc), timeZone).offset)
  return new Date(midnightUtc - offsetMs(zonedParts(new Date(guess), timeZone).offset))
}

/** The calendar day after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 3600_000).toISOString().slice(0, 10)
}

/** The `timezone` part of the workspace settings schema: UTC when none or an unknown one is saved. */
export const timeZonePart = z
  .unknown()
  .optional()
  .transform((saved) =>
    typeof saved === 'string' && isTimeZone(saved) ? saved : DEFAULT_TIME_ZONE,
  )
