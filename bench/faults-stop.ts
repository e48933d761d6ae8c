// The STOP race of issue 12 against a real `parley serve` and a fake Meta: API senders queue
// promotions to one contact while the contact sends STOP. Prints, per round, the delay from the
// STOP's 200 to its hold, opt-out and confirmation, the messages Meta got after that 200, and
// the API's answers by status. See bench/README.md.
//   npx tsx bench/faults-stop.ts [--rounds 5] [--senders 8] [--seconds 8]
import { parseArgs } from 'node:util'
import { signBody } from '../src/whatsapp/signature.js'
import type { FakeMetaGraph } from '../tests/fakes/meta-graph.js'
import { inboundMessage, randomPhone, randomWamid } from '../tests/helpers/inbound.js'
import { runBench } from './lib/cleanup.js'
import type { ParleyServer } from './lib/parley-server.js'
import { startFaultTarget } from './lib/fault-load.js'
import { sleep } from './lib/processes.js'
import { loadAverages, ms, printLogProblems } from './lib/report.js'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    senders: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '8' },
  },
})
const ROUNDS = Number(args.rounds)
const SENDERS = Number(args.senders)
const ROUND_MS = Number(args.seconds) * 1000
const STOP_WORDS = ['STOP', 'stop.', 'UNSUBSCRIBE', 'BAJA', 'Stop!']

/** What one round measured; delays in ms from the STOP's 200 (undefined: never seen). */
interface RoundResult {
  word: string
  toHold: number | undefined
  toOptOut: number | undefined
  toConfirmation: number | undefined
  sentAfterStop: number
  statuses: Map<string, number>
}

async function postWebhook(server: ParleyServer, body: string) {
  const response = await fetch(server.webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signBody(body, server.appSecret),
    },
    body,
  })
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`)
}

async function query<R>(server: ParleyServer, text: string, values: unknown[]): Promise<R[]> {
  return (await server.pool.query(text, values)).rows as R[]
}

// Polls `probe` every 5 ms until it is true (or `limitMs`): when, relative to `from`.
async function whenTrue(from: number, limitMs: number, probe: () => Promise<boolean>) {
  while (Date.now() - from < limitMs) {
    if (await probe()) return Date.now() - from
    await sleep(5)
  }
  return undefined
}

async function newContact(server: ParleyServer, phone: string): Promise<string> {
  const wamid = randomWamid()
  await postWebhook(
    server,
    inboundMessage(server.phoneNumberId, { from: phone, text: 'Hi', wamid }),
  )
  const started = Date.now()
  while (Date.now() - started < 30_000) {
    const [row] = await query<{ contact_id: string }>(
      server,
      'select contact_id from messages where wamid = $1',
      [wamid],
    )
    if (row) return row.contact_id
    await sleep(20)
  }
  throw new Error('the first message was not processed within 30 s')
}

async function apiSender(server: ParleyServer, key: string, contactId: string, until: number) {
  const statuses: string[] = []
  while (Date.now() < until) {
    const response = await fetch(`${server.baseUrl}/api/v1/contacts/${contactId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Two for one on Saturdays' }),
    })
    const problem = response.status >= 400 ? ((await response.json()) as { code?: string }) : {}
    statuses.push(`${response.status}${problem.code ? ` ${problem.code}` : ''}`)
  }
  return statuses
}

async function playRound(server: ParleyServer, meta: FakeMetaGraph, key: string, word: string) {
  const phone = randomPhone()
  const contactId = await newContact(server, phone)
  const until = Date.now() + ROUND_MS
  const senders = Array.from({ length: SENDERS }, () => apiSender(server, key, contactId, until))
  await sleep(ROUND_MS / 3)
  const stopWamid = randomWamid()
  await postWebhook(
    server,
    inboundMessage(server.phoneNumberId, { from: phone, text: word, wamid: stopWamid }),
  )
  const ackedAt = Date.now()
  const [toHold, toOptOut] = await Promise.all([
    whenTrue(ackedAt, 60_000, async () => {
      const rows = await query(server, 'select 1 from consent_holds where wamid = $1', [stopWamid])
      const done = await query(server, 'select 1 from consent_events where wamid = $1', [stopWamid])
      return rows.length > 0 || done.length > 0
    }),
    whenTrue(ackedAt, 60_000, async () => {
      const rows = await query<{ s: string }>(
        server,
        'select consent_state as s from contacts where id = $1',
        [contactId],
      )
      return rows[0]?.s === 'opted_out'
    }),
  ])
  const statuses = new Map<string, number>()
  for (const status of (await Promise.all(senders)).flat()) {
    statuses.set(status, (statuses.get(status) ?? 0) + 1)
  }
  const confirmation = async () => {
    const rows = await query<{ id: string }>(
      server,
      "select id from sends where contact_id = $1 and origin = 'confirmation'",
      [contactId],
    )
    const ids = new Set(rows.map((r) => r.id))
    return meta.sendsTo(`+${phone}`).find((s) => ids.has(s.body.biz_opaque_callback_data ?? ''))
  }
  await whenTrue(ackedAt, 60_000, async () => (await confirmation()) !== undefined)
  const confirmed = await confirmation()
  const late = meta.sendsTo(`+${phone}`).filter((s) => s.at >= ackedAt && s !== confirmed)
  return {
    word,
    toHold,
    toOptOut,
    toConfirmation: confirmed === undefined ? undefined : confirmed.at - ackedAt,
    sentAfterStop: late.length,
    statuses,
  } satisfies RoundResult
}

const delay = (value: number | undefined) => (value === undefined ? 'NEVER' : ms(value))

function printRound(i: number, r: RoundResult) {
  const answers = [...r.statuses].map(([status, n]) => `${status}×${n}`).join(', ')
  console.log(
    `round ${i + 1} (${r.word}): hold seen at the first look ${delay(r.toHold)}, opt-out ${delay(r.toOptOut)}, ` +
      `confirmation ${delay(r.toConfirmation)} after the 200; sent after STOP ${r.sentAfterStop}; API ${answers}`,
  )
}

async function main() {
  const target = await startFaultTarget({ keyRole: 'sales', logLevel: 'warn' })
  const { meta, key, parley: server } = target
  console.log(
    `STOP race: ${ROUNDS} rounds, ${SENDERS} API senders for ${ROUND_MS / 1000} s each, STOP a third in; load ${loadAverages()}`,
  )
  const results: RoundResult[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const result = await playRound(server, meta, key, STOP_WORDS[i % STOP_WORDS.length] ?? 'STOP')
    printRound(i, result)
    results.push(result)
  }
  const late = results.reduce((n, r) => n + r.sentAfterStop, 0)
  const errors = results.flatMap((r) => [...r.statuses].filter(([s]) => s.startsWith('5')))
  const worst = Math.max(...results.map((r) => r.toConfirmation ?? Infinity))
  console.log(
    `\nsent after a STOP's 200: ${late}; API 5xx answers: ${errors.reduce((n, [, c]) => n + c, 0)}; ` +
      `slowest confirmation ${delay(Number.isFinite(worst) ? worst : undefined)}; fake Meta problems ${meta.problems.length}`,
  )
  printLogProblems(server.logProblems())
  return late === 0 && errors.length === 0 && Number.isFinite(worst) && meta.problems.length === 0
}

runBench(main)
