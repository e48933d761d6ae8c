// Webhook intake throughput and latency: Parley (real PostgreSQL) against a bare Hono server
// measured in the same run, then Parley at a fixed rate. See bench/README.md.
//   npx tsx bench/webhooks.ts [--duration 10] [--connections 50] [--rate 2000]
import { spawn } from 'node:child_process'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { PROJECT_ROOT } from '../src/paths.js'
import { stopProcess } from '../tests/helpers/cli.js'
import { onCleanup, runBench, trackChild } from './lib/cleanup.js'
import { countMessages, eventStates, formatStates, waitForProcessing } from './lib/event-states.js'
import { answerCounter, cycledEvents, freshEvents, load, type LoadRun } from './lib/load.js'
import { startParley, type ParleyServer } from './lib/parley-server.js'
import { createPayloadGenerator, type SignedEvent } from './lib/payloads.js'
import {
  loadAverages,
  messagesVerdict,
  ms,
  otherStatuses,
  printComparison,
  printLogProblems,
} from './lib/report.js'

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '2' },
    'log-level': { type: 'string', default: 'info' },
  },
})
const DURATION = Number(args.duration)
const CONNECTIONS = Number(args.connections)
const RATE = Number(args.rate)
const WARMUP = Number(args.warmup)
const P99_TARGET_MS = 100
// The fixed rate counts as reached at 95 % of it.
const RATE_REACHED = 0.95
// Parley's intake was ~5k req/s on the reference machine: pre-generate enough unique events so
// the load generator does no JSON or HMAC work while measuring (it generates more if it runs out).
const PARLEY_EVENTS_PER_SECOND = 8_000
const BARE_POOL = 20_000

/** What every phase works with: both servers, their events, and Parley's answers so far. */
interface Bench {
  parley: ParleyServer
  bareUrl: string
  bareEvents: () => SignedEvent
  parleyEvents: ReturnType<typeof freshEvents>
  answers: ReturnType<typeof answerCounter>
}

async function startBare(): Promise<string> {
  const child = trackChild(
    spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench/lib/bare-hono.ts')], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  )
  onCleanup(async () => {
    await stopProcess(child)
  })
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('bare Hono server did not start within 30 s'))
    }, 30_000)
    child.once('exit', (code) => {
      reject(new Error(`bare Hono server exited with ${String(code)}`))
    })
    createInterface({ input: child.stdout ?? process.stdin }).once('line', (line) => {
      clearTimeout(timer)
      resolve((JSON.parse(line) as { port: number }).port)
    })
  })
  return `http://127.0.0.1:${port}/webhooks/whatsapp`
}

/** Parley as fast as `CONNECTIONS` allow for `duration` seconds, its answers counted. */
async function loadParley(bench: Bench, duration: number, overallRate?: number) {
  const options = { duration, connections: CONNECTIONS }
  const run = await load(
    bench.parley.webhookUrl,
    bench.parleyEvents.take,
    overallRate === undefined ? options : { ...options, overallRate },
  )
  return bench.answers.add(run)
}

// Warm-up (JIT, connection pools), counted in Parley's 200s but not reported.
async function warmUp(bench: Bench) {
  bench.parleyEvents.prepare((WARMUP + DURATION) * PARLEY_EVENTS_PER_SECOND)
  await load(bench.bareUrl, bench.bareEvents, { duration: WARMUP, connections: CONNECTIONS })
  await loadParley(bench, WARMUP)
  // Parley's background processing of the warm-up must not run during the bare server's turn.
  await waitForProcessing(bench.parley.pool, 120_000)
}

async function phase1(bench: Bench) {
  console.log(`\nphase 1: as fast as possible, ${CONNECTIONS} connections, ${DURATION} s each`)
  const bareOptions = { duration: DURATION, connections: CONNECTIONS }
  const bare = await load(bench.bareUrl, bench.bareEvents, bareOptions)
  const full = await loadParley(bench, DURATION)
  printComparison(bare, full)
  const generated = bench.parleyEvents.generatedDuringRun()
  if (generated > 0) {
    console.log(`(ran out of pre-generated events: ${generated} made during the run)`)
  }
}

// Let the backlog from phase 1 drain so phase 2 measures intake, not catch-up processing.
async function drainBacklog(parley: ParleyServer) {
  const backlog = await eventStates(parley.pool)
  console.log(
    `\nbacklog at the end of phase 1: ${backlog.pending} of ${backlog.total} events pending; ` +
      'waiting for it to be processed (up to 120 s)…',
  )
  const drained = await waitForProcessing(parley.pool, 120_000)
  const drainedEvents = backlog.pending - drained.states.pending
  console.log(
    `${drained.done ? 'drained' : 'NOT drained'} after ${(drained.ms / 1000).toFixed(1)} s ` +
      `(${Math.round(drainedEvents / Math.max(drained.ms / 1000, 0.001))} events/s): ` +
      formatStates(drained.states),
  )
}

// Each connection waits for its answer, so the rate is only reached if the server keeps up.
function rateVerdict(fixed: LoadRun): string {
  const achieved = fixed.requests.average
  const reached = achieved >= RATE * RATE_REACHED
  const p99Ok = fixed.latency.p99 < P99_TARGET_MS
  const allowed = Math.round((CONNECTIONS * 1000) / Math.max(fixed.latency.average, 0.001))
  return (
    `p99 < ${P99_TARGET_MS} ms at ${RATE} req/s: ${reached && p99Ok ? 'yes' : 'NO'}` +
    (reached
      ? ''
      : ` (rate not reached: ${Math.round(achieved)} req/s; ${CONNECTIONS} connections at ` +
        `${ms(fixed.latency.average)} per answer allow ${allowed} req/s; ` +
        `p99 ${p99Ok ? '<' : '>='} ${P99_TARGET_MS} ms at the rate achieved)`)
  )
}

async function phase2(bench: Bench) {
  console.log(
    `\nphase 2: Parley at a fixed ${RATE} req/s, ${CONNECTIONS} connections, ${DURATION} s`,
  )
  bench.parleyEvents.prepare(Math.ceil(RATE * DURATION * 1.1))
  const fixed = await loadParley(bench, DURATION, RATE)
  console.log(
    `achieved ${Math.round(fixed.requests.average)} req/s, p50 ${ms(fixed.latency.p50)}, ` +
      `p90 ${ms(fixed.latency.p90)}, p99 ${ms(fixed.latency.p99)}, max ${ms(fixed.latency.max)}`,
  )
  console.log(rateVerdict(fixed))
  console.log(
    `2xx ${fixed['2xx']}, non-2xx ${fixed.non2xx} (${otherStatuses(fixed)}), ` +
      `errors ${fixed.errors}, timeouts ${fixed.timeouts}`,
  )
}

async function finish({ parley, answers }: Bench) {
  console.log('\nwaiting for all events to be processed (up to 60 s)…')
  const final = await waitForProcessing(parley.pool, 60_000)
  console.log(
    `${final.done ? 'all processed' : 'NOT finished'} after ${(final.ms / 1000).toFixed(1)} s: ` +
      formatStates(final.states),
  )
  const messages = await countMessages(parley.pool)
  const ok = answers.ok()
  const expected = messagesVerdict(messages, {
    ok,
    unanswered: answers.unanswered(),
    done: final.done,
  })
  console.log(
    `Parley answered 200 to ${ok} POSTs (warm-up included), and ${answers.unanswered()} more ` +
      'got no answer (in flight when a run stopped, or errors): stored or not',
  )
  console.log(
    `webhook_events rows ${final.states.total}; messages rows ${messages} ` +
      `(${messages - ok >= 0 ? '+' : ''}${messages - ok} vs the 200s: ${expected})`,
  )
  console.log(
    `load average at the end: ${loadAverages()} (other work on the machine skews all numbers)`,
  )
  printLogProblems(parley.logProblems())
}

async function setUp(): Promise<Bench> {
  console.log(
    `webhook intake bench: ${DURATION} s, ${CONNECTIONS} connections, ${cpus().length} CPUs, ` +
      `Node ${process.version}, Parley LOG_LEVEL=${args['log-level']}, load average ${loadAverages()}`,
  )
  const parley = await startParley({ logLevel: args['log-level'] })
  const database = new URL(parley.databaseUrl).pathname.slice(1)
  console.log(`Parley ready on ${parley.baseUrl} (database ${database}, log ${parley.logFile})`)
  const bareUrl = await startBare()
  console.log(`bare Hono ready on ${bareUrl}`)
  const generator = createPayloadGenerator({
    appSecret: parley.appSecret,
    phoneNumberId: parley.phoneNumberId,
    wabaId: parley.wabaId,
  })
  const sample = generator.next()
  console.log(`payload: ${sample.body.length} bytes, one inbound text message, unique wamid each`)
  return {
    parley,
    bareUrl,
    bareEvents: cycledEvents(() => generator.next(), BARE_POOL),
    parleyEvents: freshEvents(() => generator.next()),
    answers: answerCounter(),
  }
}

async function main(): Promise<boolean> {
  const bench = await setUp()
  await warmUp(bench)
  await phase1(bench)
  await drainBacklog(bench.parley)
  await phase2(bench)
  await finish(bench)
  return true
}

runBench(main)
