import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { pino } from 'pino'
import { createKick } from './kick.js'

const log = pino({ level: 'silent' })

describe('createKick', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('enqueues at once, then at most once more per interval however many signals come', () => {
    const enqueue = vi.fn(() => Promise.resolve())
    const kick = createKick(enqueue, { log, intervalMs: 500 })
    kick()
    expect(enqueue).toHaveBeenCalledTimes(1)
    for (let i = 0; i < 100; i++) kick()
    expect(enqueue).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(500)
    expect(enqueue).toHaveBeenCalledTimes(2)
    vi.advanceTimersByTime(500)
    expect(enqueue).toHaveBeenCalledTimes(2)
  })

  it('keeps kicking after an enqueue fails: the scheduled run is the fallback', async () => {
    const enqueue = vi.fn(() => Promise.reject(new Error('database down')))
    const kick = createKick(enqueue, { log, intervalMs: 500 })
    kick()
    await vi.advanceTimersByTimeAsync(500)
    kick()
    expect(enqueue).toHaveBeenCalledTimes(2)
  })
})
