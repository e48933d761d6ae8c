import { describe, expect, it } from 'vitest'
import { maskPhone, toE164 } from './phone.js'

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

describe('maskPhone', () => {
  it.each([
    ['+919876543210', '+91 ••••• 43210'],
    ['+16505551234', '+1 ••••• 51234'],
    ['+5511987654321', '+55 •••••• 54321'],
    ['+971501234567', '+971 ••••• 4567'],
    ['+3531234', '+353 •• 34'],
  ])('masks %s as %s', (e164, masked) => {
    expect(maskPhone(e164)).toBe(masked)
  })
})
