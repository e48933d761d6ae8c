import { sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { settingsOfWorkspaces } from '../workspaces/workspaces.repo.js'

/** A send leased to this worker, with its number's throughput per second. */
export interface ClaimedSend {
  readonly id: string
  readonly workspaceId: string
  readonly rate: number
  /** When this lease was taken: it tells this worker's lease from a later one. */
  readonly claimedAt: Date
}

/** Meta's pair limit: one message per 6 seconds to the same person (reference §7). */
export const PAIR_SPACING_MS = 6000

// All workspaces, or only these.
function onlyIn(workspaceIds: readonly string[] | undefined) {
  if (workspaceIds === undefined) return sql`true`
  const ids = JSON.stringify(workspaceIds)
  return sql`s.workspace_id::text in (select jsonb_array_elements_text(${ids}::jsonb))`
}

// Each workspace's rate as the settings schema reads it, for the claim query.
async function ratesOfDueWorkspaces(tx: Tx, now: Date, workspaceIds?: readonly string[]) {
  const due = await settingsOfWorkspaces(
    tx,
    sql`w.sending_paused_at is null and exists (select 1 from sends s where s.workspace_id = w.id
      and s.state = 'queued' and s.next_attempt_at <= ${now} and ${onlyIn(workspaceIds)})`,
  )
  const rates = Object.fromEntries(due.map((w) => [w.id, w.settings.messagesPerSecond]))
  return sql`(${JSON.stringify(rates)}::jsonb ->> s.workspace_id::text)::int`
}

// A STOP or START is answered before anything else waiting for that person or that number.
const confirmationFirst = sql.raw(
  `case when s.origin = 'confirmation' then 0 else 1 end as urgency`,
)

/**
 * Leases due sends across workspaces (a system transaction), consent confirmations first, then
 * oldest first: per contact only its first due send, and only when nothing is in flight to that contact and its last call ended
 * 6 s ago; per workspace no more than `caps[workspaceId]` (else its rate); none for a workspace
 * whose sending is paused.
 */
export async function claimDueSends(
  tx: Tx,
  options: {
    now: Date
    leaseUntil: Date
    caps: Readonly<Record<string, number>>
    limit: number
    workspaceIds?: readonly string[] | undefined
  },
): Promise<ClaimedSend[]> {
  const spacingStart = new Date(options.now.getTime() - PAIR_SPACING_MS)
  // One claim at a time across every instance: claims are short, and two claimers could
  // otherwise pick two sends to one contact, or deadlock on overlapping rows.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('parley:claim-sends'))`)
  const rateOf = await ratesOfDueWorkspaces(tx, options.now, options.workspaceIds)
  const result = await tx.execute<{ id: string; workspace_id: string; rate: number }>(sql`
    with due as (
      select distinct on (s.contact_id) s.id, s.workspace_id, s.created_at, ${confirmationFirst},
        least(coalesce((${JSON.stringify(options.caps)}::jsonb ->> s.workspace_id::text)::int,
          ${rateOf}), ${rateOf}) as cap, ${rateOf} as rate
      from sends s join workspaces w on w.id = s.workspace_id
      where s.state = 'queued' and s.next_attempt_at <= ${options.now}
        and w.sending_paused_at is null and ${onlyIn(options.workspaceIds)}
        and not exists (
          select 1 from sends r where r.contact_id = s.contact_id
            and (r.state = 'sending' or r.call_ended_at > ${spacingStart}))
      order by s.contact_id, urgency, s.created_at, s.id
    ), ranked as (
      select id, cap, rate,
        row_number() over (partition by workspace_id order by urgency, created_at, id) as n
      from due
    )
    update sends s set state = 'sending', attempts = s.attempts + 1,
      claimed_at = ${options.now}, lease_until = ${options.leaseUntil}, call_started_at = null
    from (select id, rate from ranked where n <= cap order by n limit ${options.limit}) picked
    where s.id = picked.id and s.state = 'queued'
    returning s.id, s.workspace_id, picked.rate`)
  return result.rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    rate: r.rate,
    claimedAt: options.now,
  }))
}

/**
 * Marks, and commits, that this worker's call for the send starts now; false when its lease was
 * taken away (ran out, and the send went back to the queue), and then it must not call.
 * Written on a connection of its own while the gate's transaction waits for it, so it must not
 * wait on a lock that transaction holds: the gate never writes the send row before the call,
 * and a lock timeout turns any wait that long into an error instead of a hang.
 */
export async function markCallStarted(tx: Tx, claimed: ClaimedSend, now: Date): Promise<boolean> {
  await tx.execute(sql`set local lock_timeout = '5s'`)
  const result = await tx.execute(sql`
    update sends set call_started_at = ${now}
    where id = ${claimed.id} and state = 'sending' and claimed_at = ${claimed.claimedAt}`)
  return result.rowCount === 1
}

/** What became of the leases that ran out. */
export interface ExpiredLeases {
  /** Cut off mid-call (a crash): Meta may have them. */
  readonly unknown: number
  /** Leased but never called: back in the queue. */
  readonly requeued: number
}

/**
 * Ends the leases that ran out (their worker crashed). A send whose call had started becomes
 * `unknown`, never sent again automatically; one never called goes back to the queue as if
 * never leased.
 */
export async function expireLeases(
  tx: Tx,
  now: Date,
  workspaceIds?: readonly string[],
): Promise<ExpiredLeases> {
  const cutOff = sql`s.state = 'sending' and s.lease_until < ${now} and ${onlyIn(workspaceIds)}`
  const involved = await settingsOfWorkspaces(
    tx,
    sql`exists (select 1 from sends s where s.workspace_id = w.id and ${cutOff})`,
  )
  // In privacy mode the words of a send that may have gone are not kept.
  const forget = JSON.stringify(
    involved.filter((w) => !w.settings.storeMessageContent).map((w) => w.id),
  )
  // Every expression reads the row as it was: call_started_at before it is cleared.
  const result = await tx.execute<{ state: string }>(sql`
    update sends s set lease_until = null, call_started_at = null,
      state = case when s.call_started_at is null then 'queued' else 'unknown' end,
      attempts = case when s.call_started_at is null then s.attempts - 1 else s.attempts end,
      last_error = case when s.call_started_at is null then s.last_error
        else '{"code": 0, "title": "the attempt was cut off; Meta may have the message"}' end,
      content_enc = case when s.call_started_at is not null and s.workspace_id::text in
        (select jsonb_array_elements_text(${forget}::jsonb)) then null else s.content_enc end
    where ${cutOff}
    returning s.state`)
  const unknown = result.rows.filter((r) => r.state === 'unknown').length
  return { unknown, requeued: result.rows.length - unknown }
}

/** When the next queued send becomes due, if any (paused workspaces wait for a resume). */
export async function nextDueAt(
  tx: Tx,
  workspaceIds?: readonly string[],
): Promise<Date | undefined> {
  const result = await tx.execute<{ at: string | null }>(sql`
    select min(s.next_attempt_at) as at from sends s join workspaces w on w.id = s.workspace_id
    where s.state = 'queued' and w.sending_paused_at is null and ${onlyIn(workspaceIds)}`)
  const at = result.rows[0]?.at
  return at ? new Date(at) : undefined
}

/** Returns leased sends that were never started to the queue, as if never claimed. */
export async function releaseLeases(tx: Tx, ids: readonly string[]): Promise<void> {
  await tx.execute(sql`
    update sends set state = 'queued', attempts = attempts - 1, lease_until = null
    where state = 'sending' and call_started_at is null and id::text in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`)
}
