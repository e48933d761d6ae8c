// Load generation for bench/webhooks.ts: autocannon POSTing signed webhook events, with the
// events made before a run so the load generator does no JSON or HMAC work while measuring.
import { createRequire } from 'node:module'
import type { SignedEvent } from './payloads.js'

// autocannon ships no types; this is the part of its programmatic API the bench uses.
interface LoadRequest {
  method?: string
  path?: string
  headers?: Record<string, string>
  body?: string | Buffer
  setupRequest?: (request: LoadRequest, context: object) => LoadRequest
}
interface LoadOptions {
  url: string
  method: string
  connections: number
  duration: number
  headers: Record<string, string>
  requests: LoadRequest[]
  overallRate?: number
  ignoreCoordinatedOmission?: boolean
  timeout?: number
}
/** What autocannon reports for one run (the fields the bench reads). */
export interface LoadResult {
  duration: number
  errors: number
  timeouts: number
  non2xx: number
  '2xx': number
  statusCodeStats: Record<string, { count: number } | undefined>
  requests: { average: number }
  latency: { p50: number; p90: number; p99: number; max: number; average: number }
}
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: LoadOptions,
) => PromiseLike<LoadResult>

/** A run's results, and how many requests were sent (autocannon's own count is off at a fixed rate). */
export type LoadRun = LoadResult & { sent: number }

/** Unique events, generated before a run; generated on the spot only if the stock runs out. */
export function freshEvents(next: () => SignedEvent) {
  const stock: (SignedEvent | undefined)[] = []
  let cursor = 0
  let generatedDuringRun = 0
  return {
    prepare(count: number) {
      stock.splice(0, cursor)
      cursor = 0
      while (stock.length < count) stock.push(next())
    },
    take: (): SignedEvent => {
      const event = stock[cursor]
      if (event === undefined) {
        generatedDuringRun += 1
        return next()
      }
      stock[cursor] = undefined // let it be collected
      cursor += 1
      return event
    },
    generatedDuringRun: () => generatedDuringRun,
  }
}

/** The same kind of events, cycled (the bare server does not care about uniqueness). */
export function cycledEvents(next: () => SignedEvent, size: number) {
  const pool = Array.from({ length: size }, () => next())
  let cursor = 0
  return () => {
    const event = pool[cursor % pool.length] ?? next()
    cursor += 1
    return event
  }
}

/** POSTs events from `take` to `url` for `duration` seconds, flat out or at `overallRate`. */
export async function load(
  url: string,
  take: () => SignedEvent,
  options: { duration: number; connections: number; overallRate?: number },
): Promise<LoadRun> {
  let sent = 0
  const result = await autocannon({
    url,
    method: 'POST',
    connections: options.connections,
    duration: options.duration,
    timeout: 10,
    headers: { 'content-type': 'application/json' },
    ...(options.overallRate === undefined
      ? {}
      : // autocannon's correction for a fixed rate assumes a 1 ms interval and fills the
        // histogram with made-up samples; report the latencies actually observed.
        { overallRate: options.overallRate, ignoreCoordinatedOmission: true }),
    requests: [
      {
        setupRequest: (request) => {
          sent += 1
          const event = take()
          return {
            ...request,
            body: event.body,
            headers: { ...request.headers, 'x-hub-signature-256': event.signature },
          }
        },
      },
    ],
  })
  return { ...result, sent }
}

/** Adds up Parley's answers over several runs: 200s, and requests that got no answer. */
export function answerCounter() {
  let ok = 0
  let unanswered = 0
  return {
    /** Counts a run and returns it. */
    add(run: LoadRun): LoadRun {
      ok += run.statusCodeStats['200']?.count ?? 0
      const answered = Object.values(run.statusCodeStats).reduce((n, s) => n + (s?.count ?? 0), 0)
      // In flight when a run ended, or errors: stored or not, unknown.
      unanswered += Math.max(0, run.sent - answered)
      return run
    },
    ok: () => ok,
    unanswered: () => unanswered,
  }
}
