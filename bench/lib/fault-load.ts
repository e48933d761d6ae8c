// Load for the fault benches (bench/faults-*.ts): webhook senders and API senders that keep
// going through a fault, recording what Parley acknowledged and when, and the fake Meta that
// the sends reach. The bench's pool is superuser, so its queries see every workspace.
import { randomInt } from 'node:crypto'
import { signBody } from '../../src/whatsapp/signature.js'
import { runCli } from '../../tests/helpers/cli.js'
import { FakeMetaGraph } from '../../tests/fakes/meta-graph.js'
import { inboundMessage, randomPhone } from '../../tests/helpers/inbound.js'
import { onCleanup } from './cleanup.js'
import {
  countDuplicatedMessages,
  countMissingEvents,
  countMissingMessages,
} from './event-states.js'
import { startParley, type ParleyServer } from './parley-server.js'
import { createPayloadGenerator, type SignedEvent } from './payloads.js'
import { sleep } from './processes.js'
import { isAck, post, tally } from './webhook-posts.js'

const TOKEN = 'faults-access-token'

/** How a fault bench's target is set up: Meta's answer delay, the key's role, Parley's log level. */
export interface FaultTargetOptions {
  readonly sendDelayMs?: number
  readonly keyRole?: 'admin' | 'sales'
  readonly logLevel?: 'info' | 'warn'
}

/** Parley on a scratch database, a fake Meta answering sends after `sendDelayMs`, an API key. */
export async function startFaultTarget(options: FaultTargetOptions = {}) {
  const meta = new FakeMetaGraph({ version: 'v26.0', accessToken: TOKEN })
  meta.sendDelayMs = options.sendDelayMs ?? 0
  const graph = await meta.start()
  onCleanup(() => graph.close())
  const parley = await startParley({
    accessToken: TOKEN,
    logLevel: options.logLevel ?? 'info',
    env: { META_GRAPH_URL: graph.baseUrl },
  })
  const role = options.keyRole ?? 'admin'
  const created = await runCli(
    ['apikey:create', '--workspace', parley.workspaceId, '--role', role],
    parley.env,
  )
  const { key } = JSON.parse(created.stdout) as { key: string }
  return { meta, parley, key }
}

/** Polls `probe` every 20 ms until it is true (or `limitMs`): when, in ms after `from`. */
export async function whenTrue(from: number, limitMs: number, probe: () => Promise<boolean>) {
  while (Date.now() - from < limitMs) {
    // A probe that fails (the database is being cut off) just looks again.
    if (await probe().catch(() => false)) return Date.now() - from
    await sleep(20)
  }
  return undefined
}

/** Contacts who have just written "Hi" (their 24-hour window is open); returns their ids. */
export async function seedContacts(parley: ParleyServer, count: number): Promise<string[]> {
  for (let i = 0; i < count; i++) {
    const body = inboundMessage(parley.phoneNumberId, { from: randomPhone(), text: 'Hi' })
    const signature = signBody(body, parley.appSecret)
    const event = { body: Buffer.from(body), signature, sha256: '', wamids: [] }
    const outcome = await post(parley.webhookUrl, event)
    if (!isAck(outcome)) throw new Error(`seeding a contact: ${JSON.stringify(outcome)}`)
  }
  let ids: string[] = []
  await whenTrue(Date.now(), 60_000, async () => {
    const { rows } = await parley.pool.query<{ id: string }>(
      'select id from contacts where workspace_id = $1',
      [parley.workspaceId],
    )
    ids = rows.map((r) => r.id)
    return ids.length >= count
  })
  if (ids.length < count) throw new Error(`only ${ids.length} of ${count} contacts processed`)
  return ids
}

/** Signed webhook POSTs from `senders` loops until stopped: what was acknowledged, and when. */
export function startWebhookLoad(parley: ParleyServer, senders: number) {
  const next = createPayloadGenerator({
    appSecret: parley.appSecret,
    phoneNumberId: parley.phoneNumberId,
    wabaId: parley.wabaId,
  }).next
  const acked = new Map<string, SignedEvent>()
  const ackTimes: number[] = []
  const outcomes = tally()
  let stopping = false
  const loops = Array.from({ length: senders }, async () => {
    while (!stopping) {
      const event = next(randomInt(1, 4))
      const outcome = await post(parley.webhookUrl, event)
      outcomes.add(outcome)
      if (isAck(outcome)) {
        acked.set(event.sha256, event)
        ackTimes.push(Date.now())
      } else await sleep(20)
    }
  })
  return {
    acked,
    outcomes,
    /** Milliseconds from `from` to the first acknowledgement after it. */
    firstAckAfter: (from: number) => delayAfter(ackTimes, from),
    stop: async () => {
      stopping = true
      await Promise.all(loops)
    },
  }
}

/**
 * API sends (one text each) to random contacts until stopped: `burst` of them at once from 8
 * senders, so the dispatcher has a queue to lease from, then 3 senders ~10 a second each.
 */
export function startSendLoad(
  parley: ParleyServer,
  key: string,
  contactIds: readonly string[],
  burst: number,
) {
  const accepted: string[] = []
  const outcomes = tally()
  let stopping = false
  let burstLeft = burst
  const loop = async (steady: boolean) => {
    while (!stopping && (steady || burstLeft-- > 0)) {
      const contactId = contactIds[randomInt(contactIds.length)] ?? ''
      const outcome = await apiSend(parley, key, contactId)
      outcomes.add('id' in outcome ? { status: 202 } : outcome)
      if ('id' in outcome) accepted.push(outcome.id)
      if (steady) await sleep(100)
    }
  }
  const loops = [true, true, true, ...Array<boolean>(8).fill(false)].map(loop)
  return {
    accepted,
    outcomes,
    stop: async () => {
      stopping = true
      await Promise.all(loops)
    },
  }
}

async function apiSend(
  parley: ParleyServer,
  key: string,
  contactId: string,
): Promise<{ id: string } | { status: number } | { error: string }> {
  try {
    const response = await fetch(`${parley.baseUrl}/api/v1/contacts/${contactId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Your order is on its way' }),
      signal: AbortSignal.timeout(10_000),
    })
    const body = (await response.json()) as { id?: string; code?: string }
    if (response.status === 202 && body.id) return { id: body.id }
    return { status: response.status }
  } catch (error) {
    return { error: (error as { cause?: { code?: string } }).cause?.code ?? 'error' }
  }
}

function delayAfter(times: readonly number[], from: number): number | undefined {
  const first = times.find((at) => at >= from)
  return first === undefined ? undefined : first - from
}

/** Milliseconds from `from` to the first call the fake Meta received after it. */
export function firstCallAfter(meta: FakeMetaGraph, from: number): number | undefined {
  return delayAfter(
    meta.sends.map((s) => s.at),
    from,
  )
}

/** How many calls the fake Meta received for each send (its id is the callback data). */
export function callsPerSend(meta: FakeMetaGraph): Map<string, number> {
  const calls = new Map<string, number>()
  for (const send of [...meta.sends, ...meta.refusedSends]) {
    const id = send.body.biz_opaque_callback_data ?? ''
    calls.set(id, (calls.get(id) ?? 0) + 1)
  }
  return calls
}

/** The workspace's sends by state, e.g. "sent 310, queued 2". */
export async function sendStates(parley: ParleyServer): Promise<Map<string, number>> {
  const { rows } = await parley.pool.query<{ state: string; n: number }>(
    'select state, count(*)::int as n from sends where workspace_id = $1 group by state',
    [parley.workspaceId],
  )
  return new Map(rows.map((r) => [r.state, r.n]))
}

/** Waits (≤ `limitMs`) until no send is queued or leased; the states then. */
export async function waitForSends(parley: ParleyServer, limitMs: number) {
  let states = new Map<string, number>()
  const ms = await whenTrue(Date.now(), limitMs, async () => {
    states = await sendStates(parley)
    return (states.get('queued') ?? 0) + (states.get('sending') ?? 0) === 0
  })
  return { ms, states }
}

/** A map of counts on one line. */
export function formatCounts(counts: ReadonlyMap<string, number>): string {
  return (
    [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, n]) => `${key} ${n}`)
      .join(', ') || 'none'
  )
}

/**
 * Prints acknowledged (events answered 200, and their messages), stored (events with a row)
 * and processed (acknowledged messages in `messages`); true when none is lost or doubled.
 */
export async function printAcknowledged(parley: ParleyServer, acked: Map<string, SignedEvent>) {
  const events = [...acked.values()]
  const wamids = events.flatMap((event) => event.wamids)
  const notStored = await countMissingEvents(
    parley.pool,
    events.map((event) => event.sha256),
  )
  const missing = await countMissingMessages(parley.pool, wamids)
  const duplicated = await countDuplicatedMessages(parley.pool)
  console.log(
    `webhooks: acknowledged ${events.length} events (${wamids.length} messages), ` +
      `stored ${events.length - notStored}, processed ${wamids.length - missing} messages; ` +
      `lost ${notStored + missing} (must be 0), processed twice ${duplicated} (must be 0)`,
  )
  return notStored + missing + duplicated === 0
}
