import { describe, expect, it } from 'vitest'
import { isoInZone, readableTime, shortTime, zonedTime } from './readable-time.js'

describe('readableTime', () => {
  it.each([
    ['2026-12-01T09:05:59.123Z', 'UTC', '2026-12-01 09:05'],
    // Half-hour and quarter-hour offsets
    ['2026-12-01T09:05:00Z', 'Asia/Kolkata', '2026-12-01 14:35'],
    ['2026-12-01T18:40:00Z', 'Asia/Kolkata', '2026-12-02 00:10'],
    ['2026-12-01T09:05:00Z', 'Asia/Kathmandu', '2026-12-01 14:50'],
    ['2026-12-01T02:00:00Z', 'America/Sao_Paulo', '2026-11-30 23:00'],
    ['2026-12-01T09:05:00Z', 'Asia/Jakarta', '2026-12-01 16:05'],
    // New York either side of daylight saving time (EDT -4, EST -5)
    ['2026-07-01T12:00:00Z', 'America/New_York', '2026-07-01 08:00'],
    ['2026-12-01T12:00:00Z', 'America/New_York', '2026-12-01 07:00'],
    // Europe's spring change: 01:00 UTC on 29 March 2026 is 03:00 in Berlin, not 02:00
    ['2026-03-29T00:59:00Z', 'Europe/Berlin', '2026-03-29 01:59'],
    ['2026-03-29T01:00:00Z', 'Europe/Berlin', '2026-03-29 03:00'],
  ])('shows %s in %s as %s', (at, zone, shown) => {
    expect(readableTime(new Date(at), zone)).toBe(shown)
  })

  it('shows seconds when asked', () => {
    expect(readableTime(new Date('2026-12-01T09:05:59Z'), 'Asia/Kolkata', { seconds: true })).toBe(
      '2026-12-01 14:35:59',
    )
  })
})

describe('zonedTime', () => {
  it('names the zone after the time', () => {
    expect(zonedTime(new Date('2026-12-01T08:35:00Z'), 'Asia/Kolkata')).toBe(
      '2026-12-01 14:05 Asia/Kolkata',
    )
  })
})

describe('shortTime', () => {
  const now = new Date('2026-12-01T19:00:00Z')
  it.each([
    ['2026-12-01T09:05:00Z', 'UTC', '09:05'],
    ['2026-11-30T23:59:00Z', 'UTC', '2026-11-30'],
    // Already the 2nd in Kolkata at 19:00 UTC, so the 1st's 09:05 UTC is an older day there
    ['2026-12-01T09:05:00Z', 'Asia/Kolkata', '2026-12-01'],
    ['2026-12-01T18:40:00Z', 'Asia/Kolkata', '00:10'],
  ])('shows %s in %s as %s', (at, zone, shown) => {
    expect(shortTime(new Date(at), now, zone)).toBe(shown)
  })
})

describe('isoInZone', () => {
  it.each([
    ['2026-12-01T08:35:00.250Z', 'UTC', '2026-12-01T08:35:00.250Z'],
    ['2026-12-01T08:35:00Z', 'Asia/Kolkata', '2026-12-01T14:05:00.000+05:30'],
    ['2026-12-01T08:35:00Z', 'America/Sao_Paulo', '2026-12-01T05:35:00.000-03:00'],
  ])('writes %s in %s as %s', (at, zone, written) => {
    expect(isoInZone(new Date(at), zone)).toBe(written)
  })
})
