import { describe, expect, it } from 'vitest'
import { toE164 } from './phone.js'

describe('toE164', () => {
  it.each([
    ['16505551234', '+16505551234'],
    ['+16505551234', '+16505551234'],
    ['+91 98765-43210', '+919876543210'],
    ['(555) 0100 123', '+5550100123'],
  ])('normalises %s to %s', (raw, expected) => {
    expect(toE164(raw)).toBe(expected)
  })

  it.each([[undefined], [null], [''], ['abc'], ['12345'], ['1234567890123456']])(
    'has no number for %s',
    (raw) => {
      expect(toE164(raw)).toBeUndefined()
    },
  )
})
