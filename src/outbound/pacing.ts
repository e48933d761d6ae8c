import { setTimeout as sleep } from 'node:timers/promises'

/** The time a pacer keeps and how it waits; tests pass a clock that moves on instead of waiting. */
export interface PaceClock {
  readonly now: () => Date
  readonly sleep: (ms: number) => Promise<unknown>
}

/** The wall clock and real waiting. */
export const REAL_TIME: PaceClock = { now: () => new Date(), sleep }

/**
 * Keeps each business number under its throughput: at most `perSecond` sends in any window of
 * `windowMs`. The window is a little longer than a second because requests reach Meta a few
 * milliseconds apart from when they leave; Meta counts arrivals.
 */
export class NumberPacer {
  private readonly recent = new Map<string, number[]>()
  private readonly clock: PaceClock
  private readonly windowMs: number

  constructor(options: { clock?: PaceClock; windowMs?: number } = {}) {
    this.clock = options.clock ?? REAL_TIME
    this.windowMs = options.windowMs ?? 1050
  }

  /** Records a send started at `now`. */
  record(key: string, now: number): void {
    const times = this.inWindow(key, now)
    times.push(now)
    this.recent.set(key, times)
  }

  /** Milliseconds until this number may send again (0 when it may now). */
  waitMs(key: string, perSecond: number, now: number): number {
    const times = this.inWindow(key, now)
    if (times.length < perSecond) return 0
    const oldest = times[times.length - perSecond] ?? now
    return oldest + this.windowMs - now
  }

  /** Waits for a free slot for this number, then takes it. */
  async acquire(key: string, perSecond: number): Promise<void> {
    for (;;) {
      const now = this.clock.now().getTime()
      const wait = this.waitMs(key, perSecond, now)
      if (wait <= 0) {
        this.record(key, now)
        return
      }
      await this.clock.sleep(wait)
    }
  }

  private inWindow(key: string, now: number): number[] {
    const times = (this.recent.get(key) ?? []).filter((t) => t > now - this.windowMs)
    this.recent.set(key, times)
    return times
  }
}
