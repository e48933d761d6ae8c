// pg_terminate_backend of every connection to Parley's database, mid-load (webhooks and API
// sends), repeated: Parley must stay up, recover by itself, and lose nothing it acknowledged.
// Prints, per termination, how long /readyz, the webhook route, processing and sending took to
// come back. See bench/README.md.
//   npx tsx bench/faults-backends.ts [--rounds 3] [--contacts 60] [--senders 8] [--load-seconds 4]
import pg from 'pg'
import { parseArgs } from 'node:util'
import { runBench } from './lib/cleanup.js'
import { countMessages, formatStates, waitForProcessing } from './lib/event-states.js'
import {
  callsPerSend,
  firstCallAfter,
  formatCounts,
  printAcknowledged,
  seedContacts,
  startFaultTarget,
  startSendLoad,
  startWebhookLoad,
  waitForSends,
  whenTrue,
} from './lib/fault-load.js'
import { BENCH_SERVER_URL, type ParleyServer } from './lib/parley-server.js'
import { sleep } from './lib/processes.js'
import { loadAverages, ms, printLogProblems } from './lib/report.js'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    contacts: { type: 'string', default: '60' },
    senders: { type: 'string', default: '8' },
    'load-seconds': { type: 'string', default: '4' },
  },
})
const ROUNDS = Number(args.rounds)
const LOAD_MS = Number(args['load-seconds']) * 1000

// From the server's maintenance database, so the bench's own connection is not among them.
async function terminateBackends(databaseUrl: string): Promise<number> {
  const admin = new pg.Client({ connectionString: BENCH_SERVER_URL })
  await admin.connect()
  try {
    const { rows } = await admin.query<{ n: number }>(
      `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = $1 and pid <> pg_backend_pid()`,
      [new URL(databaseUrl).pathname.slice(1)],
    )
    return rows[0]?.n ?? 0
  } finally {
    await admin.end()
  }
}

async function readyz(parley: ParleyServer): Promise<number> {
  try {
    const response = await fetch(`${parley.baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) })
    await response.arrayBuffer()
    return response.status
  } catch {
    return 0
  }
}

async function messagesNow(parley: ParleyServer) {
  return countMessages(parley.pool).catch(() => -1)
}

/** One termination mid-load and how long each part took to work again. */
async function terminateOnce(
  run: { parley: ParleyServer; meta: Awaited<ReturnType<typeof startFaultTarget>>['meta'] },
  webhooks: ReturnType<typeof startWebhookLoad>,
  round: number,
) {
  const { parley, meta } = run
  await sleep(LOAD_MS / 2)
  const before = await messagesNow(parley)
  const at = Date.now()
  const terminated = await terminateBackends(parley.databaseUrl)
  const statuses = new Set<number>()
  const ready = await whenTrue(at, 60_000, async () => {
    const status = await readyz(parley)
    statuses.add(status)
    return status === 200
  })
  const processed = await whenTrue(at, 60_000, async () => (await messagesNow(parley)) > before)
  await whenTrue(at, 30_000, () => Promise.resolve(webhooks.firstAckAfter(at) !== undefined))
  await whenTrue(at, 30_000, () => Promise.resolve(firstCallAfter(meta, at) !== undefined))
  const delay = (value: number | undefined) => (value === undefined ? 'NEVER' : ms(value))
  console.log(
    `termination ${round}: ${terminated} backends; /readyz answered ${[...statuses].join('/')} ` +
      `and 200 after ${delay(ready)}; first webhook 200 after ${delay(webhooks.firstAckAfter(at))}, ` +
      `first message processed after ${delay(processed)}, first send at Meta after ` +
      `${delay(firstCallAfter(meta, at))}; process ${parley.isRunning() ? 'up' : 'GONE'}`,
  )
  await sleep(LOAD_MS / 2)
  return ready !== undefined && processed !== undefined && parley.isRunning()
}

async function main() {
  const { meta, parley, key } = await startFaultTarget({ sendDelayMs: 50 })
  const contacts = await seedContacts(parley, Number(args.contacts))
  console.log(
    `backend termination: ${ROUNDS} rounds, ${args.senders} webhook senders and API sends to ` +
      `${contacts.length} contacts, terminated every ${LOAD_MS / 1000} s; load ${loadAverages()}`,
  )
  const webhooks = startWebhookLoad(parley, Number(args.senders))
  const sends = startSendLoad(parley, key, contacts, 60)
  let recovered = true
  for (let round = 1; round <= ROUNDS; round++) {
    recovered = (await terminateOnce({ parley, meta }, webhooks, round)) && recovered
  }
  await Promise.all([webhooks.stop(), sends.stop()])
  const processing = await waitForProcessing(parley.pool, 60_000)
  const settled = await waitForSends(parley, 20_000)
  console.log(`webhook events: ${formatStates(processing.states)}`)
  console.log(`API sends: ${sends.outcomes.toString()}; webhooks: ${webhooks.outcomes.toString()}`)
  const twice = [...callsPerSend(meta).values()].filter((n) => n > 1).length
  console.log(
    `sends: ${sends.accepted.length} acknowledged → ${formatCounts(settled.states)}` +
      `${settled.ms === undefined ? ' (NOT settled in 20 s)' : ''}; called more than once ${twice} (must be 0)`,
  )
  const webhooksOk = await printAcknowledged(parley, webhooks.acked)
  printLogProblems(parley.logProblems())
  return recovered && webhooksOk && twice === 0 && processing.done
}

runBench(main)
