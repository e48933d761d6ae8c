// Crash safety of webhook intake: every event Parley answered 200 must end up processed exactly
// once, even when the server is SIGKILLed under load and Meta redelivers. See bench/README.md.
//   npx tsx bench/webhook-crash.ts [--senders 20] [--load-seconds 3]
import { randomInt } from 'node:crypto'
import { parseArgs } from 'node:util'
import { runBench } from './lib/cleanup.js'
import {
  countDuplicatedMessages,
  countMessages,
  countMissingEvents,
  countMissingMessages,
  describePending,
  formatStates,
  waitForProcessing,
} from './lib/event-states.js'
import { startParley, type ParleyServer } from './lib/parley-server.js'
import { createPayloadGenerator, type SignedEvent } from './lib/payloads.js'
import { sleep } from './lib/processes.js'
import { printLogProblems } from './lib/report.js'
import { isAck, post, tally } from './lib/webhook-posts.js'

const { values: args } = parseArgs({
  options: {
    senders: { type: 'string', default: '20' },
    'load-seconds': { type: 'string', default: '3' },
    'after-kill-seconds': { type: 'string', default: '1' },
    redeliver: { type: 'string', default: '500' },
    'processing-timeout': { type: 'string', default: '60' },
    'log-level': { type: 'string', default: 'info' },
  },
})
const SENDERS = Number(args.senders)
const LOAD_MS = Number(args['load-seconds']) * 1000
const AFTER_KILL_MS = Number(args['after-kill-seconds']) * 1000
const REDELIVER = Number(args.redeliver)
const PROCESSING_TIMEOUT_MS = Number(args['processing-timeout']) * 1000

/** Events by body hash once answered 200, and those never answered 200. */
interface Deliveries {
  acked: Map<string, SignedEvent>
  unacked: SignedEvent[]
}

/** Runs `work` on every item with `concurrency` workers. */
async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++]
        if (item !== undefined) await work(item)
      }
    }),
  )
}

function sample<T>(items: readonly T[], size: number): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
  }
  return copy.slice(0, size)
}

/** Senders POST new events under load; the server is SIGKILLed while they keep going. */
async function sendThroughKill(
  parley: ParleyServer,
  next: (messageCount: number) => SignedEvent,
): Promise<Deliveries> {
  const deliveries: Deliveries = { acked: new Map(), unacked: [] }
  const beforeKill = tally()
  const afterKill = tally()
  let killed = false
  let stopping = false
  const sender = async () => {
    while (!stopping) {
      const event = next(randomInt(1, 4))
      const wasKilled = killed
      const outcome = await post(parley.webhookUrl, event)
      ;(wasKilled || killed ? afterKill : beforeKill).add(outcome)
      if (isAck(outcome)) {
        deliveries.acked.set(event.sha256, event)
      } else {
        deliveries.unacked.push(event)
        if ('error' in outcome) await sleep(20)
      }
    }
  }
  const senders = Array.from({ length: SENDERS }, () => sender())
  await sleep(LOAD_MS)
  const ackedAtKill = deliveries.acked.size
  killed = true
  await parley.kill()
  console.log(`SIGKILL sent after ${LOAD_MS / 1000} s: ${ackedAtKill} events acknowledged so far`)
  await sleep(AFTER_KILL_MS)
  stopping = true
  await Promise.all(senders)
  console.log(`before the kill: ${beforeKill.toString()}`)
  console.log(`during and after the kill (not acknowledged): ${afterKill.toString()}`)
  return deliveries
}

// Meta redelivers what it has not seen acknowledged, and sometimes what it has.
async function redeliver(parley: ParleyServer, { acked, unacked }: Deliveries) {
  const redeliverAcked = sample([...acked.values()], REDELIVER)
  const ackedRedelivery = tally()
  await forEachConcurrently(redeliverAcked, SENDERS, async (event) => {
    ackedRedelivery.add(await post(parley.webhookUrl, event))
  })
  console.log(
    `redelivered ${redeliverAcked.length} acknowledged events: ${ackedRedelivery.toString()}`,
  )
  const unackedRedelivery = tally()
  let newlyAcked = 0
  await forEachConcurrently(unacked, SENDERS, async (event) => {
    const outcome = await post(parley.webhookUrl, event)
    unackedRedelivery.add(outcome)
    if (isAck(outcome)) {
      newlyAcked += 1
      acked.set(event.sha256, event)
    }
  })
  console.log(
    `redelivered ${unacked.length} unacknowledged events: ${unackedRedelivery.toString()} ` +
      `(${newlyAcked} now acknowledged)`,
  )
}

/** Compares what was acknowledged with what was stored; true if nothing is missing or doubled. */
async function check(parley: ParleyServer, acked: Deliveries['acked'], failed: number) {
  const ackedEvents = [...acked.values()]
  const ackedWamids = ackedEvents.flatMap((event) => event.wamids)
  const { pool } = parley
  const missing = await countMissingMessages(pool, ackedWamids)
  const duplicated = await countDuplicatedMessages(pool)
  const eventsMissing = await countMissingEvents(
    pool,
    ackedEvents.map((event) => event.sha256),
  )
  const messageRows = await countMessages(pool)
  console.log('')
  console.log(`acknowledged events:                 ${ackedEvents.length}`)
  console.log(`acknowledged messages:               ${ackedWamids.length}`)
  console.log(`acknowledged events not stored:      ${eventsMissing}`)
  console.log(`missing acknowledged messages:       ${missing} (must be 0)`)
  console.log(`processed twice:                     ${duplicated} (must be 0)`)
  console.log(`events failed:                       ${failed}`)
  console.log(`messages rows (acked or not):        ${messageRows}`)
  printLogProblems(parley.logProblems())
  return missing === 0 && duplicated === 0
}

async function main(): Promise<boolean> {
  console.log(
    `webhook crash bench: ${SENDERS} senders, SIGKILL after ${LOAD_MS / 1000} s of load, ` +
      `senders continue ${AFTER_KILL_MS / 1000} s, then restart and redeliver`,
  )
  const parley = await startParley({ logLevel: args['log-level'] })
  console.log(`Parley ready on ${parley.baseUrl} (log ${parley.logFile})`)
  const generator = createPayloadGenerator({
    appSecret: parley.appSecret,
    phoneNumberId: parley.phoneNumberId,
    wabaId: parley.wabaId,
  })
  const deliveries = await sendThroughKill(parley, generator.next)
  const restartStarted = Date.now()
  await parley.restart()
  console.log(
    `restarted on the same database in ${((Date.now() - restartStarted) / 1000).toFixed(1)} s`,
  )
  await redeliver(parley, deliveries)
  console.log(`waiting for processing (up to ${PROCESSING_TIMEOUT_MS / 1000} s)…`)
  const processing = await waitForProcessing(parley.pool, PROCESSING_TIMEOUT_MS)
  console.log(
    `${processing.done ? 'finished' : 'NOT finished'} after ` +
      `${(processing.ms / 1000).toFixed(1)} s: ${formatStates(processing.states)}`,
  )
  const ok = await check(parley, deliveries.acked, processing.states.failed)
  console.log(ok ? 'PASS' : 'FAIL')
  if (!processing.done) console.log(await describePending(parley.pool))
  return ok
}

runBench(main)
