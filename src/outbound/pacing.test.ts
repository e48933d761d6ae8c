import { describe, expect, it } from 'vitest'
import { NumberPacer, type PaceClock } from './pacing.js'

/** A clock that moves on by the time asked instead of waiting, and notes each wait. */
function testClock(): PaceClock & { waits: number[] } {
  let at = 0
  const waits: number[] = []
  return {
    waits,
    now: () => new Date(at),
    sleep: (ms) => {
      waits.push(ms)
      at += ms
      return Promise.resolve()
    },
  }
}

describe('NumberPacer', () => {
  it('allows the rate in any window and no more', () => {
    const pacer = new NumberPacer({ windowMs: 1000 })
    expect(pacer.waitMs('n', 3, 0)).toBe(0)
    for (const t of [0, 100, 200]) pacer.record('n', t)
    expect(pacer.waitMs('n', 3, 500)).toBe(500)
    expect(pacer.waitMs('n', 3, 1000)).toBe(0)
    pacer.record('n', 1000)
    expect(pacer.waitMs('n', 3, 1000)).toBe(100)
  })

  it('paces numbers separately', () => {
    const pacer = new NumberPacer({ windowMs: 1000 })
    pacer.record('a', 0)
    expect(pacer.waitMs('a', 1, 10)).toBe(990)
    expect(pacer.waitMs('b', 1, 10)).toBe(0)
  })

  it('waits on its clock for a slot, then takes it', async () => {
    const clock = testClock()
    const pacer = new NumberPacer({ clock, windowMs: 100 })
    const taken: number[] = []
    for (let i = 0; i < 5; i++) {
      await pacer.acquire('n', 2)
      taken.push(clock.now().getTime())
    }
    expect(taken).toEqual([0, 0, 100, 100, 200])
    expect(clock.waits).toEqual([100, 100])
  })
})
