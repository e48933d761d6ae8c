// Server-side request timings for bench/inbox.ts: app.request() in this process, one request at
// a time, each answer checked so that a broken route cannot look fast.
import { performance } from 'node:perf_hooks'
import { ms } from './report.js'

/** One timed route: how to ask, and what the answer must contain (a problem, or undefined). */
export interface TimedRoute {
  readonly label: string
  request(i: number): Promise<Response>
  check(body: string, i: number): string | undefined
  /** Untimed preparation before each request (e.g. making the conversation unread again). */
  before?(i: number): Promise<void>
}

/** A route's latencies and answer problems. */
export interface RouteTiming {
  readonly label: string
  readonly p50: number
  readonly p95: number
  readonly max: number
  readonly problems: string[]
  /** SQL statements one request ran (session included), when counted. */
  readonly statements?: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN
}

async function once(route: TimedRoute, i: number) {
  await route.before?.(i)
  const started = performance.now()
  const response = await route.request(i)
  // Reading the body is part of the answer (c.html bodies are strings, so this is cheap).
  const body = await response.text()
  const elapsed = performance.now() - started
  const problem =
    response.status === 200
      ? route.check(body, i)
      : `status ${response.status}: ${body.slice(0, 200)}`
  return { elapsed, problem }
}

/** Runs `warmup` untimed requests, then `runs` timed ones; latencies include the body. */
export async function timeRoute(
  route: TimedRoute,
  options: { warmup: number; runs: number },
): Promise<RouteTiming> {
  const samples: number[] = []
  const problems = new Set<string>()
  for (let i = 0; i < options.warmup + options.runs; i++) {
    const { elapsed, problem } = await once(route, i)
    if (problem) problems.add(problem)
    if (i >= options.warmup) samples.push(elapsed)
  }
  const sorted = samples.sort((a, b) => a - b)
  return {
    label: route.label,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? NaN,
    problems: [...problems],
  }
}

/** Runs one request of the route and returns how many statements `recorded` gained meanwhile. */
export async function countStatements(route: TimedRoute, recorded: unknown[]): Promise<number> {
  await route.before?.(0)
  recorded.length = 0
  const response = await route.request(0)
  await response.text()
  return recorded.length
}

/** True when the answers were right and p95 is under the goal. */
export function passes(timing: RouteTiming, goalMs: number): boolean {
  return timing.problems.length === 0 && timing.p95 < goalMs
}

/** One line per route: p50, p95, max and the verdict against the goal. */
export function timingLine(timing: RouteTiming, goalMs: number): string {
  const sql =
    timing.statements === undefined ? '' : `  ${String(timing.statements).padStart(3)} SQL`
  const verdict = passes(timing, goalMs)
    ? 'PASS'
    : timing.problems.length > 0
      ? `FAIL (wrong answers: ${timing.problems.slice(0, 3).join('; ')})`
      : 'FAIL'
  return (
    `${timing.label.padEnd(58)} p50 ${ms(timing.p50).padStart(8)}  p95 ${ms(timing.p95).padStart(8)}` +
    `  max ${ms(timing.max).padStart(8)}${sql}  ${verdict}`
  )
}
