import { describe, expect, it } from 'vitest'
import { pauseCauseOf, sendingPauseOf } from './settings.js'

describe('sendingPauseOf', () => {
  const at = new Date('2025-03-01T10:00:00Z')

  it.each([
    [{ sendingPausedAt: null, sendingPausedReason: null }, null],
    [{ sendingPausedAt: null, sendingPausedReason: 'stale' }, null],
    [
      { sendingPausedAt: at, sendingPausedReason: '190: token expired' },
      { at, reason: '190: token expired' },
    ],
    [
      { sendingPausedAt: at, sendingPausedReason: null },
      { at, reason: 'no reason was recorded' },
    ],
  ])('reads %j as %j', (row, expected) => {
    expect(sendingPauseOf(row)).toEqual(expected)
  })
})

describe('pauseCauseOf', () => {
  const at = new Date('2025-03-01T10:00:00Z')
  it.each([
    ['190: Error validating access token', 'WhatsApp rejected the access token'],
    ['368: Temporarily blocked', 'WhatsApp restricted the business account for a policy violation'],
    ['no reason was recorded', 'WhatsApp refused to send for this workspace'],
  ])('says %s as %s', (reason, words) => {
    expect(pauseCauseOf({ at, reason })).toBe(words)
  })
})
