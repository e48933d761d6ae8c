import { describe, expect, it } from 'vitest'
import {
  waitInWords,
  recordFailure,
  refundFailure,
  retryAfterSeconds,
  type ThrottleState,
} from './throttle-rules.js'

const policy = { limit: 3, windowMs: 60_000 }
const t0 = new Date('2026-11-23T10:00:00Z')
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000)

function failTimes(times: number[]): ThrottleState | undefined {
  return times.reduce<ThrottleState | undefined>(
    (s, sec) => recordFailure(s, at(sec), policy),
    undefined,
  )
}

describe('login throttle rules', () => {
  it.each([
    { times: [], now: 0, wait: 0, why: 'no failures' },
    { times: [0, 1], now: 2, wait: 0, why: 'below the limit' },
    { times: [0, 1, 2], now: 2, wait: 60, why: 'the limit blocks for one window' },
    { times: [0, 1, 2], now: 32, wait: 30, why: 'the wait counts down' },
    { times: [0, 1, 2], now: 62, wait: 0, why: 'the block ends' },
    { times: [0, 1, 70], now: 70, wait: 0, why: 'failures in an ended window are forgotten' },
  ])('retry after $wait s when $why', ({ times, now, wait }) => {
    expect(retryAfterSeconds(failTimes(times), at(now))).toBe(wait)
  })

  it('starts a new window after the old one ends', () => {
    const state = failTimes([0, 1, 70])
    expect(state?.failures).toBe(1)
    expect(state?.windowStartedAt).toEqual(at(70))
  })

  it('gives back a reserved attempt that was right, lifting the block it set', () => {
    const reserved = failTimes([0, 1, 2])
    if (!reserved) throw new Error('no state')
    const refunded = refundFailure(reserved, policy)
    expect(refunded.failures).toBe(2)
    expect(retryAfterSeconds(refunded, at(3))).toBe(0)
    expect(refundFailure({ ...refunded, failures: 0 }, policy).failures).toBe(0)
  })
})

describe('waitInWords', () => {
  it.each([
    [900, '15 minutes'],
    [60, '1 minute'],
    [61, '2 minutes'],
    [40, '40 seconds'],
    [1, '1 second'],
    [7200, '2 hours'],
  ])('says %i s as "%s"', (seconds, words) => {
    expect(waitInWords(seconds)).toBe(words)
  })
})
