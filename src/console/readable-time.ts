/** A time as the console shows it: minutes, in UTC, said so (the server knows no viewer's zone). */
export function readableTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** A list's short time: the time of day for today's entries, the date for older ones. */
export function shortTime(at: Date, now: Date): string {
  const iso = at.toISOString()
  return iso.slice(0, 10) === now.toISOString().slice(0, 10) ? iso.slice(11, 16) : iso.slice(0, 10)
}
