import { describe, expect, it } from 'vitest'
import {
  MAX_DEPTH,
  nestsDeeperThan,
  parseWebhookJson,
  storableError,
  withoutNul,
} from './clean-payload.js'

const NUL = '\u0000'

describe('withoutNul', () => {
  it('removes NULs from every string and key, at any place below the depth limit', () => {
    const value = { [`na${NUL}me`]: `Ana${NUL}`, list: [`a${NUL}b`, 1, null, { deep: NUL }] }
    expect(withoutNul(value)).toEqual({ name: 'Ana', list: ['ab', 1, null, { deep: '' }] })
  })

  it('leaves numbers, booleans and null as they are', () => {
    expect([1, true, null].map((v) => withoutNul(v))).toEqual([1, true, null])
  })

  it('stops at the depth limit instead of overflowing the stack on 100 000 levels', () => {
    const deep = parseWebhookJson('['.repeat(100_000) + ']'.repeat(100_000))
    expect(() => withoutNul(deep)).not.toThrow()
    expect(MAX_DEPTH).toBeLessThan(1000)
  })
})

describe('nestsDeeperThan', () => {
  it.each([
    ['a string', 'x', 0, false],
    ['an object of one level', { a: 1 }, 1, false],
    ['two levels against a limit of one', { a: { b: 1 } }, 1, true],
  ])('%s → %s', (_, value, limit, expected) => {
    expect(nestsDeeperThan(value, limit)).toBe(expected)
  })

  it('answers for 100 000 levels without overflowing the stack', () => {
    const deep: unknown = JSON.parse('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000))
    expect(nestsDeeperThan(deep, 16)).toBe(true)
  })
})

describe('parseWebhookJson', () => {
  it('skips a byte-order mark before the JSON', () => {
    expect(parseWebhookJson('\uFEFF{"a":1}')).toEqual({ a: 1 })
  })

  it('still refuses text that is not JSON', () => {
    expect(() => parseWebhookJson('\uFEFFnot json')).toThrow(SyntaxError)
  })
})

describe('storableError', () => {
  it('removes NULs and keeps at most 500 characters', () => {
    const text = storableError(`Failed query ${NUL} params: ${'x'.repeat(5000)}`)
    expect(text).not.toContain(NUL)
    expect(text).toHaveLength(500)
    expect(text.endsWith('…')).toBe(true)
  })

  it('keeps a short message as it is', () => {
    expect(storableError('entry 0 has no "changes" list')).toBe('entry 0 has no "changes" list')
  })
})
