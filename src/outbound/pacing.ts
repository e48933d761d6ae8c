/**
 * Keeps each business number under its throughput: at most `perSecond` sends in any window of
 * `windowMs`. The window is a little longer than a second because requests reach Meta a few
 * milliseconds apart from when they leave; Meta counts arrivals.
 */
export class NumberPacer {
  private readonly recent = new Map<string, number[]>()

  constructor(private readonly windowMs = 1050) {}

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
      const wait = this.waitMs(key, perSecond, Date.now())
      if (wait <= 0) {
        this.record(key, Date.now())
        return
      }
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }

  private inWindow(key: string, now: number): number[] {
    const times = (this.recent.get(key) ?? []).filter((t) => t > now - this.windowMs)
    this.recent.set(key, times)
    return times
  }
}
