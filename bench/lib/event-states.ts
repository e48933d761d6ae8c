// What benches read from the scratch database to watch webhook processing: webhook_events by
// state, and the messages that processing stored. The bench's pool is superuser, so no RLS.
import type pg from 'pg'
import { sleep } from './processes.js'

// Table and column names the benches read; keep in step with src/db/schema.ts.
export const TABLES = {
  events: 'webhook_events',
  messages: 'messages',
  messageWamid: 'wamid',
} as const

/** webhook_events rows by state, and all of them. */
export interface EventStates {
  pending: number
  processing: number
  processed: number
  failed: number
  total: number
}

/** Counts webhook_events rows by state. */
export async function eventStates(pool: pg.Pool): Promise<EventStates> {
  const { rows } = await pool.query<{ state: string; n: number }>(
    `select state, count(*)::int as n from ${TABLES.events} group by state`,
  )
  const states: EventStates = { pending: 0, processing: 0, processed: 0, failed: 0, total: 0 }
  for (const row of rows) {
    if (row.state in states) states[row.state as keyof EventStates] += row.n
    states.total += row.n
  }
  return states
}

/** Polls until no event is pending or processing, or the timeout passes. */
export async function waitForProcessing(pool: pg.Pool, timeoutMs: number) {
  const started = Date.now()
  let states = await eventStates(pool)
  while (states.pending + states.processing > 0 && Date.now() - started < timeoutMs) {
    await sleep(500)
    states = await eventStates(pool)
  }
  return { done: states.pending + states.processing === 0, states, ms: Date.now() - started }
}

/** Formats event state counts on one line. */
export function formatStates(states: EventStates): string {
  return (
    `total ${states.total}: processed ${states.processed}, failed ${states.failed}, ` +
    `pending ${states.pending}, processing ${states.processing}`
  )
}

/** Why events are still pending: their attempts and when they are next due (a lease or a retry). */
export async function describePending(pool: pg.Pool): Promise<string> {
  try {
    const { rows } = await pool.query<{ attempts: number; n: number; due: Date }>(
      `select attempts, count(*)::int as n, min(next_attempt_at) as due from ${TABLES.events}
        where state = 'pending' group by attempts order by attempts`,
    )
    return rows
      .map(
        (r) =>
          `still pending: ${r.n} events with ${r.attempts} attempt(s), next due in ` +
          `${((r.due.getTime() - Date.now()) / 1000).toFixed(0)} s`,
      )
      .join('\n')
  } catch (error) {
    return `could not describe pending events: ${String(error)}`
  }
}

async function count(pool: pg.Pool, text: string, values?: unknown[]): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(text, values)
  return rows[0]?.n ?? 0
}

/** Rows in the messages table. */
export function countMessages(pool: pg.Pool): Promise<number> {
  return count(pool, `select count(*)::int as n from ${TABLES.messages}`)
}

/** How many of these wamids have no messages row. */
export function countMissingMessages(pool: pg.Pool, wamids: readonly string[]): Promise<number> {
  return count(
    pool,
    `select count(*)::int as n from unnest($1::text[]) as acked(wamid)
      where not exists (select 1 from ${TABLES.messages} m where m.${TABLES.messageWamid} = acked.wamid)`,
    [wamids],
  )
}

/** Wamids with more than one messages row (a message processed twice). */
export function countDuplicatedMessages(pool: pg.Pool): Promise<number> {
  return count(
    pool,
    `select count(*)::int as n from (
       select ${TABLES.messageWamid} from ${TABLES.messages}
        group by ${TABLES.messageWamid} having count(*) > 1) twice`,
  )
}

/** How many of these body hashes have no webhook_events row. */
export function countMissingEvents(pool: pg.Pool, sha256s: readonly string[]): Promise<number> {
  return count(
    pool,
    `select count(*)::int as n from unnest($1::text[]) as acked(sha)
      where not exists (select 1 from ${TABLES.events} e where e.body_sha256 = acked.sha)`,
    [sha256s],
  )
}
