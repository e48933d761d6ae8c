// The send gate and the delivery engine under load: 10 000 sends to 1 000 contacts across two
// business numbers, delivered to a local fake of Meta's Graph API. See bench/README.md.
//   npx tsx bench/send.ts [--contacts 1000] [--per-contact 10] [--rate 80]
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { connectDatabase, type Db } from '../src/db/client.js'
import { runMigrations } from '../src/db/migrate.js'
import { createFieldCipher } from '../src/crypto/field-cipher.js'
import { withSystem } from '../src/db/tenant.js'
import { createWorkspace } from '../src/workspaces/create-workspace.js'
import { mergeWorkspaceSettings } from '../src/workspaces/workspaces.repo.js'
import { dispatchDueSends } from '../src/outbound/dispatch.js'
import { PAIR_SPACING_MS } from '../src/outbound/dispatch.repo.js'
import type { JobDeps } from '../src/jobs/types.js'
import { createScratchDatabase, TEST_SERVER_URL } from '../tests/helpers/databases.js'
import { FakeMetaGraph } from '../tests/fakes/meta-graph.js'
import { onCleanup, runBench } from './lib/cleanup.js'
import { ms } from './lib/report.js'
import { enqueueAll, measurePreCallGate, seedContacts, type BenchNumber } from './lib/sends.js'

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000' },
    'per-contact': { type: 'string', default: '10' },
    rate: { type: 'string', default: '80' },
  },
})
const CONTACTS = Number(args.contacts)
const PER_CONTACT = Number(args['per-contact'])
const RATE = Number(args.rate)
const TOKEN = 'bench-access-token'
const VERSION = 'v26.0'

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

function latencyLine(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b)
  return `${label.padEnd(34)} p50 ${ms(percentile(sorted, 50))}  p99 ${ms(percentile(sorted, 99))}  (${sorted.length} sends)`
}

async function setUp(db: Db, cipher: ReturnType<typeof createFieldCipher>): Promise<BenchNumber[]> {
  const numbers: BenchNumber[] = []
  for (const name of ['North', 'South']) {
    const phoneNumberId = `8${String(Date.now()).slice(-9)}${numbers.length}`
    const workspaceId = await withSystem(db, async (tx) => {
      const id = await createWorkspace(tx, { cipher }, { name, phoneNumberId, accessToken: TOKEN })
      await mergeWorkspaceSettings(tx, id, { messagesPerSecond: RATE })
      return id
    })
    numbers.push({ workspaceId, phoneNumberId, contactIds: [] })
  }
  return numbers
}

function printNumbers(meta: FakeMetaGraph, numbers: BenchNumber[]) {
  console.log('\nper business number (arrivals at the fake Meta):')
  for (const number of numbers) {
    const times = meta.sends
      .filter((s) => s.phoneNumberId === number.phoneNumberId)
      .map((s) => s.at)
    const seconds = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000
    const achieved = seconds > 0 ? times.length / seconds : times.length
    const busiest = meta.maxSendsInAnyWindow(number.phoneNumberId, 1000)
    console.log(
      `  ${number.phoneNumberId}: ${times.length} sends in ${seconds.toFixed(1)} s = ${achieved.toFixed(1)} msg/s; ` +
        `busiest 1 s window ${busiest} (limit ${RATE}: ${busiest <= RATE ? 'kept' : 'EXCEEDED'})`,
    )
  }
}

function printPairGaps(meta: FakeMetaGraph) {
  const byRecipient = new Map<string, number[]>()
  for (const send of meta.sends) {
    const key = `${send.phoneNumberId}/${send.body.to ?? ''}`
    byRecipient.set(key, [...(byRecipient.get(key) ?? []), send.at])
  }
  const gaps = [...byRecipient.values()].flatMap((times) =>
    times.slice(1).map((t, i) => t - (times[i] ?? 0)),
  )
  const below = gaps.filter((gap) => gap < PAIR_SPACING_MS)
  const smallest = meta.smallestGapToSameRecipient()
  console.log(
    `\nsmallest gap between two messages to one contact: ${ms(smallest)}; gaps below 6 s: ${below.length === 0 ? 'none' : `${below.length} (largest ${ms(Math.max(...below))})`}`,
  )
  return below.length === 0
}

runBench(async () => {
  const log = pino({ level: 'warn' })
  const scratch = await createScratchDatabase(
    process.env.BENCH_DATABASE_URL ?? TEST_SERVER_URL,
    'parley_bench',
  )
  onCleanup(scratch.drop)
  // Dropping the scratch database at the end cuts connections that are still closing; their
  // pool errors say nothing about the run.
  const database = connectDatabase(scratch.url, { log: pino({ level: 'fatal' }) })
  onCleanup(() => database.close())
  await runMigrations(database.pool)
  const cipher = createFieldCipher([Buffer.from('parley-bench-data-encryption-key')])
  const meta = new FakeMetaGraph({ version: VERSION, accessToken: TOKEN })
  const fake = await meta.start()
  onCleanup(() => fake.close())

  console.log(
    `send bench: ${CONTACTS} contacts × ${PER_CONTACT} sends over two numbers at ${RATE} msg/s each; ${cpus().length} CPUs, Node ${process.version}`,
  )
  const numbers = await setUp(database.db, cipher)
  await seedContacts(database.db, cipher, numbers, CONTACTS)
  const enqueueLatencies = await enqueueAll(database.db, cipher, numbers, PER_CONTACT)
  const preCall = await measurePreCallGate(database.db, numbers, 1000)
  console.log(latencyLine('gate at enqueue (check + insert):', enqueueLatencies))
  console.log(latencyLine('gate before the call (check only):', preCall))

  const deps: JobDeps = {
    db: database.db,
    cipher,
    log,
    jobs: { enqueue: () => Promise.resolve() },
    graph: { baseUrl: fake.baseUrl, version: VERSION },
    dataDir: '/nonexistent',
    shutdown: new AbortController().signal,
    now: () => new Date(),
  }
  const started = Date.now()
  const states: Record<string, number> = {}
  for (
    let report = await dispatchDueSends(deps);
    Object.keys(report).length > 0;
    report = await dispatchDueSends(deps)
  ) {
    for (const [state, n] of Object.entries(report)) states[state] = (states[state] ?? 0) + n
  }
  console.log(
    `\ndelivered in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(states)}`,
  )
  printNumbers(meta, numbers)
  const pairsKept = printPairGaps(meta)
  console.log(
    `fake Meta problems: ${meta.problems.length === 0 ? 'none' : meta.problems.slice(0, 5).join('; ')}`,
  )
  return pairsKept && meta.problems.length === 0
})
