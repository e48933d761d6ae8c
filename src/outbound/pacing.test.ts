import { describe, expect, it } from 'vitest'
import { NumberPacer } from './pacing.js'

describe('NumberPacer', () => {
  it('allows the rate in any window and no more', () => {
    const pacer = new NumberPacer(1000)
    expect(pacer.waitMs('n', 3, 0)).toBe(0)
    for (const t of [0, 100, 200]) pacer.record('n', t)
    expect(pacer.waitMs('n', 3, 500)).toBe(500)
    expect(pacer.waitMs('n', 3, 1000)).toBe(0)
    pacer.record('n', 1000)
    expect(pacer.waitMs('n', 3, 1000)).toBe(100)
  })

  it('paces numbers separately', () => {
    const pacer = new NumberPacer(1000)
    pacer.record('a', 0)
    expect(pacer.waitMs('a', 1, 10)).toBe(990)
    expect(pacer.waitMs('b', 1, 10)).toBe(0)
  })

  it('waits for a slot, then takes it', async () => {
    const pacer = new NumberPacer(100)
    const started = Date.now()
    for (let i = 0; i < 3; i++) await pacer.acquire('n', 2)
    expect(Date.now() - started).toBeGreaterThanOrEqual(95)
  })
})
