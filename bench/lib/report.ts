// Formatting for bench/webhooks.ts: the phase 1 table, latencies, statuses and verdicts.
import { loadavg } from 'node:os'
import type { LoadResult } from './load.js'

const WIDTHS = [14, 9, 9, 9, 9, 9, 8, 8]

/** The 1, 5 and 15 minute load averages, e.g. "1.2 0.9 0.7". */
export function loadAverages(): string {
  return loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')
}

/** A latency in milliseconds, one decimal. */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`
}

/** The non-2xx status codes of a run with their counts, or "none". */
export function otherStatuses(result: LoadResult): string {
  return (
    Object.entries(result.statusCodeStats)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, stat]) => `${code}×${stat?.count ?? 0}`)
      .join(', ') || 'none'
  )
}

function row(cells: (string | number)[]) {
  return cells
    .map((cell, i) =>
      i === 0 ? String(cell).padEnd(WIDTHS[i] ?? 0) : String(cell).padStart(WIDTHS[i] ?? 0),
    )
    .join('  ')
}

function ratio(a: number, b: number) {
  return b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`
}

/** Prints phase 1 as a table: one row per server, then Parley's numbers over the bare ones. */
export function printComparison(bare: LoadResult, parley: LoadResult): void {
  console.log(row(['', 'req/s', 'p50', 'p99', 'max', '2xx', 'non-2xx', 'errors']))
  for (const [name, result] of [
    ['bare Hono', bare],
    ['Parley', parley],
  ] as const) {
    console.log(
      row([
        name,
        Math.round(result.requests.average),
        ms(result.latency.p50),
        ms(result.latency.p99),
        ms(result.latency.max),
        result['2xx'],
        result.non2xx,
        result.errors + result.timeouts,
      ]),
    )
  }
  console.log(
    row([
      'Parley/bare',
      ratio(parley.requests.average, bare.requests.average),
      ratio(parley.latency.p50, bare.latency.p50),
      ratio(parley.latency.p99, bare.latency.p99),
    ]),
  )
  console.log(`non-2xx statuses: bare ${otherStatuses(bare)}; Parley ${otherStatuses(parley)}`)
}

/** Whether the messages rows match the 200s: at least one each, at most one per unanswered more. */
export function messagesVerdict(
  messages: number,
  counted: { ok: number; unanswered: number; done: boolean },
): string {
  const range = `${counted.ok} to ${counted.ok + counted.unanswered}`
  if (messages >= counted.ok && messages <= counted.ok + counted.unanswered) return 'as expected'
  return counted.done
    ? `NOT as expected: should be ${range}`
    : `processing unfinished; should end at ${range}`
}

/** The server's distinct warnings and errors, at most ten. */
export function printLogProblems(problems: string[]): void {
  console.log(`server warnings and errors: ${problems.length === 0 ? 'none' : ''}`)
  for (const line of problems.slice(0, 10)) console.log(`  ${line}`)
}
