import { describe, expect, it } from 'vitest'
import { isTimeZone, nextDay, startOfDay, timeZoneChoices } from './time-zone.js'

describe('isTimeZone', () => {
  it.each([
    ['Asia/Kolkata', true],
    ['America/Sao_Paulo', true],
    ['America/Argentina/Buenos_Aires', true],
    ['UTC', true],
    ['utc', false],
    ['asia/kolkata', false],
    ['Mars/Olympus_Mons', false],
    ['+05:30', false],
    ['', false],
  ])('%s: %s', (name, expected) => {
    expect(isTimeZone(name)).toBe(expected)
  })
})

describe('startOfDay', () => {
  it.each([
    ['2026-11-20', 'UTC', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20', 'Asia/Kolkata', '2026-11-19T18:30:00.000Z'],
    ['2026-11-20', 'America/Sao_Paulo', '2026-11-20T03:00:00.000Z'],
    // Days that begin on the far side of a daylight-saving change
    ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z'],
    ['2026-03-09', 'America/New_York', '2026-03-09T04:00:00.000Z'],
    ['2026-11-01', 'America/New_York', '2026-11-01T04:00:00.000Z'],
    ['2026-11-02', 'America/New_York', '2026-11-02T05:00:00.000Z'],
  ])('%s in %s starts at %s', (day, zone, start) => {
    expect(startOfDay(day, zone).toISOString()).toBe(start)
  })
})

describe('nextDay', () => {
  it.each([
    ['2026-11-20', '2026-11-21'],
    ['2026-12-31', '2027-01-01'],
    ['2028-02-28', '2028-02-29'],
  ])('after %s comes %s', (day, next) => {
    expect(nextDay(day)).toBe(next)
  })
})

describe('timeZoneChoices', () => {
  it('offers UTC first and keeps a stored spelling the runtime lists under another name', () => {
    expect(timeZoneChoices('UTC')[0]).toBe('UTC')
    expect(timeZoneChoices('Asia/Kolkata')).toContain('Asia/Kolkata')
    expect(
      timeZoneChoices('America/Sao_Paulo').filter((z) => z === 'America/Sao_Paulo'),
    ).toHaveLength(1)
  })
})
