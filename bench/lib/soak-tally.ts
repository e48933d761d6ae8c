// Answers of a soak run per route: how many of each status, how long they took, and which
// of them count as errors (a 5xx, a status the route never gives, or no answer at all).
import { ms } from './report.js'

interface RouteTally {
  statuses: Map<string, number>
  latencies: number[]
  errors: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

/** Counts answers per route; `expect` lists the statuses that are not errors. */
export function createTally() {
  const routes = new Map<string, RouteTally>()
  const samples: string[] = []
  const record = (route: string, outcome: number | string, startedAt: number, expect: number[]) => {
    const entry: RouteTally = routes.get(route) ?? { statuses: new Map(), latencies: [], errors: 0 }
    routes.set(route, entry)
    const key = String(outcome)
    entry.statuses.set(key, (entry.statuses.get(key) ?? 0) + 1)
    entry.latencies.push(performance.now() - startedAt)
    const ok = typeof outcome === 'number' && expect.includes(outcome)
    if (!ok) {
      entry.errors += 1
      if (samples.length < 10) samples.push(`${route} → ${key}`)
    }
    return ok
  }
  const print = () => {
    for (const [route, entry] of [...routes].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...entry.latencies].sort((a, b) => a - b)
      const statuses = [...entry.statuses].map(([status, n]) => `${status}×${n}`).join(' ')
      console.log(
        `${route.padEnd(36)} ${String(sorted.length).padStart(7)}  p50 ${ms(percentile(sorted, 50))}  ` +
          `p95 ${ms(percentile(sorted, 95))}  p99 ${ms(percentile(sorted, 99))}  errors ${entry.errors}  [${statuses}]`,
      )
    }
    console.log(`errors: ${errors()}${samples.length > 0 ? ` (first: ${samples.join('; ')})` : ''}`)
  }
  const errors = () => [...routes.values()].reduce((sum, entry) => sum + entry.errors, 0)
  return { record, print, errors }
}

/** The tally a soak's workers write to. */
export type Tally = ReturnType<typeof createTally>
