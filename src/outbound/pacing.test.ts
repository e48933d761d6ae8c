import { describe, expect, it } from 'vitest'
import { NumberPacer } from './pacing.js'

describe('NumberPacer', () => {
  it('allows the rate in any window and no more', () => {
    const pacer = new NumberPacer(1000)
    expect(pacer.available('n', 3, 0)).toBe(3)
    for (const t of [0, 100, 200]) pacer.record('n', t)
    expect(pacer.available('n', 3, 500)).toBe(0)
    expect(pacer.waitMs('n', 3, 500)).toBe(500)
    expect(pacer.available('n', 3, 1000)).toBe(1)
    expect(pacer.available('n', 3, 1201)).toBe(3)
  })

  it('paces numbers separately', () => {
    const pacer = new NumberPacer(1000)
    pacer.record('a', 0)
    expect(pacer.available('a', 1, 10)).toBe(0)
    expect(pacer.available('b', 1, 10)).toBe(1)
    expect(pacer.waitMs('b', 1, 10)).toBe(0)
  })
})
