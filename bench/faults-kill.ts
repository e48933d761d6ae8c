// kill -9 of `parley serve` under webhooks and API sends, then a restart on the same database:
// how long processing and sending take to resume, what was acknowledged, stored and processed,
// and what became of the sends leased at the kill (unknown only if their call had started).
// See bench/README.md.
//   npx tsx bench/faults-kill.ts [--contacts 120] [--burst 240] [--senders 8] [--load-seconds 5]
import { parseArgs } from 'node:util'
import { runBench } from './lib/cleanup.js'
import { waitForProcessing, formatStates } from './lib/event-states.js'
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
import type { ParleyServer } from './lib/parley-server.js'
import { sleep } from './lib/processes.js'
import { loadAverages, ms, printLogProblems } from './lib/report.js'

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '120' },
    burst: { type: 'string', default: '240' },
    senders: { type: 'string', default: '8' },
    'load-seconds': { type: 'string', default: '5' },
    'send-delay-ms': { type: 'string', default: '200' },
    'wait-leases': { type: 'boolean', default: false },
  },
})
const LOAD_MS = Number(args['load-seconds']) * 1000
// Longer than the dispatcher's lease (two minutes).
const LEASE_WAIT_MS = 125_000

/** The sends the killed process held: leased, and whether their call had started. */
async function leasedAtKill(parley: ParleyServer) {
  const { rows } = await parley.pool.query<{ id: string; called: boolean }>(
    `select id, call_started_at is not null as called from sends
      where workspace_id = $1 and state = 'sending'`,
    [parley.workspaceId],
  )
  return {
    called: rows.filter((r) => r.called).map((r) => r.id),
    notCalled: rows.filter((r) => !r.called).map((r) => r.id),
  }
}

// The killed process holds nothing any more; its leases would run out two minutes from now.
// Ending them now stands for that wait (--wait-leases waits it for real).
async function endDeadLeases(parley: ParleyServer) {
  if (args['wait-leases']) {
    console.log(`waiting ${LEASE_WAIT_MS / 1000} s for the dead worker's leases to run out…`)
    await sleep(LEASE_WAIT_MS)
    return
  }
  await parley.pool.query(
    `update sends set lease_until = now() where workspace_id = $1 and state = 'sending'`,
    [parley.workspaceId],
  )
}

async function statesOf(parley: ParleyServer, ids: readonly string[]) {
  const { rows } = await parley.pool.query<{ state: string; n: number }>(
    'select state, count(*)::int as n from sends where id = any($1::uuid[]) group by state',
    [ids],
  )
  return new Map(rows.map((r) => [r.state, r.n]))
}

async function main() {
  const { meta, parley, key } = await startFaultTarget({
    sendDelayMs: Number(args['send-delay-ms']),
  })
  const contacts = await seedContacts(parley, Number(args.contacts))
  console.log(
    `kill -9: ${contacts.length} contacts, ${args.senders} webhook senders, ${args.burst} API ` +
      `sends at once and then 3 API senders ` +
      `for ${LOAD_MS / 1000} s, Meta answering in ${args['send-delay-ms']} ms; load ${loadAverages()}`,
  )
  const webhooks = startWebhookLoad(parley, Number(args.senders))
  const sends = startSendLoad(parley, key, contacts, Number(args.burst))
  await sleep(LOAD_MS)
  await parley.kill()
  const killedAt = Date.now()
  await sleep(1000)
  await Promise.all([webhooks.stop(), sends.stop()])
  const leased = await leasedAtKill(parley)
  const callsAtKill = callsPerSend(meta)
  console.log(
    `at the kill: ${webhooks.acked.size} webhooks and ${sends.accepted.length} sends acknowledged; ` +
      `${leased.called.length + leased.notCalled.length} sends leased, ` +
      `${leased.called.length} of them with their call started`,
  )
  await endDeadLeases(parley)
  const restarting = Date.now()
  await parley.restart()
  const readyAt = Date.now()
  console.log(
    `restart: ready in ${ms(readyAt - restarting)} (${ms(readyAt - killedAt)} after the kill)`,
  )
  const processing = await waitForProcessing(parley.pool, 60_000)
  const firstCall = await whenTrue(readyAt, 30_000, () =>
    Promise.resolve(firstCallAfter(meta, readyAt) !== undefined),
  )
  const drained = await waitForSends(parley, 90_000)
  console.log(
    `resume after ready: webhook backlog processed in ${ms(processing.ms)} ` +
      `(${formatStates(processing.states)}); first send reached Meta after ` +
      `${firstCall === undefined ? 'NEVER' : ms(firstCall)}; every send settled after ` +
      (drained.ms === undefined ? 'NEVER' : ms(Date.now() - readyAt)),
  )
  return report({ meta, parley, webhooks, sends, leased, callsAtKill })
}

async function report(run: {
  meta: Awaited<ReturnType<typeof startFaultTarget>>['meta']
  parley: ParleyServer
  webhooks: ReturnType<typeof startWebhookLoad>
  sends: ReturnType<typeof startSendLoad>
  leased: Awaited<ReturnType<typeof leasedAtKill>>
  callsAtKill: Map<string, number>
}) {
  const { parley, leased } = run
  const webhooksOk = await printAcknowledged(parley, run.webhooks.acked)
  const calls = callsPerSend(run.meta)
  const twice = [...calls.values()].filter((n) => n > 1).length
  const calledUnknown = leased.called.filter((id) => (run.callsAtKill.get(id) ?? 0) > 0).length
  const notCalledStates = await statesOf(parley, leased.notCalled)
  const resentOnce = leased.notCalled.filter((id) => calls.get(id) === 1).length
  const calledStates = await statesOf(parley, leased.called)
  console.log(
    `API sends: ${run.sends.outcomes.toString()}; webhooks: ${run.webhooks.outcomes.toString()}`,
  )
  console.log(
    `sends leased but never called: ${leased.notCalled.length} → ${formatCounts(notCalledStates)}; ` +
      `called exactly once since ${resentOnce}`,
  )
  console.log(
    `sends with their call started: ${leased.called.length} → ${formatCounts(calledStates)} ` +
      `(${calledUnknown} of them had reached Meta)`,
  )
  console.log(`sends called more than once: ${twice} (must be 0)`)
  printLogProblems(parley.logProblems())
  const sendsOk =
    twice === 0 &&
    resentOnce === leased.notCalled.length &&
    (calledStates.get('unknown') ?? 0) === leased.called.length
  return webhooksOk && sendsOk && run.meta.problems.length === 0
}

runBench(main)
