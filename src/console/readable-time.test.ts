import { describe, expect, it } from 'vitest'
import { readableTime, shortTime } from './readable-time.js'

describe('readableTime', () => {
  it('shows minutes in UTC', () => {
    expect(readableTime(new Date('2026-12-01T09:05:59.123Z'))).toBe('2026-12-01 09:05 UTC')
  })
})

describe('shortTime', () => {
  const now = new Date('2026-12-01T18:00:00Z')
  it.each([
    ['2026-12-01T09:05:00Z', '09:05'],
    ['2026-11-30T23:59:00Z', '2026-11-30'],
  ])('shows %s as %s', (at, shown) => {
    expect(shortTime(new Date(at), now)).toBe(shown)
  })
})
