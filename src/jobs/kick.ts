import type { Logger } from 'pino'

/**
 * Turns many "there is new work" signals into at most one job enqueue per `intervalMs`
 * (the first at once, one more at the end of the interval if signals kept coming). The job
 * itself drains everything due, so one enqueue covers any number of signals.
 */
export function createKick(
  enqueue: () => Promise<void>,
  options: { log: Logger; intervalMs: number },
): () => void {
  let cooling = false
  let pending = false
  const fire = () => {
    cooling = true
    pending = false
    enqueue().catch((error: unknown) => {
      // The recurring run of the same job picks the work up; nothing is lost.
      options.log.warn({ err: error }, 'could not enqueue a job; the next scheduled run will')
    })
    setTimeout(() => {
      cooling = false
      if (pending) fire()
    }, options.intervalMs).unref()
  }
  return () => {
    if (cooling) pending = true
    else fire()
  }
}
