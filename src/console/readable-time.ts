import { zonedParts } from './time-zone.js'

/**
 * A time as the console shows it: to the minute (or second), on the workspace's clock. The zone
 * is named once per page ("Times in Asia/Kolkata"), so each time does not repeat it.
 */
export function readableTime(at: Date, timeZone: string, options: { seconds?: boolean } = {}) {
  const { date, hour, minute, second } = zonedParts(at, timeZone)
  return `${date} ${hour}:${minute}${options.seconds ? `:${second}` : ''}`
}

/** A time with its zone named, for a sentence read on its own ("closes at … Asia/Kolkata"). */
export function zonedTime(at: Date, timeZone: string): string {
  return `${readableTime(at, timeZone)} ${timeZone}`
}

/** A list's short time: the time of day for today's entries, the date for older ones. */
export function shortTime(at: Date, now: Date, timeZone: string): string {
  const shown = zonedParts(at, timeZone)
  return shown.date === zonedParts(now, timeZone).date
    ? `${shown.hour}:${shown.minute}`
    : shown.date
}

/** ISO 8601 with the zone's offset (2026-12-03T14:05:00.000+05:30), for exports read by people. */
export function isoInZone(at: Date, timeZone: string): string {
  const { date, hour, minute, second, offset } = zonedParts(at, timeZone)
  const millis = String(at.getUTCMilliseconds()).padStart(3, '0')
  return `${date}T${hour}:${minute}:${second}.${millis}${offset}`
}
