import { and, desc, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import type { WorkspaceConsent } from '../consent/settings.js'
import { parseSettings } from '../workspaces/settings-schema.js'
import { webhookEvents, workspaces } from '../db/schema.js'

/** Where a business number's events go, whether that workspace keeps message content, and its consent words. */
export interface WorkspaceRoute {
  readonly workspaceId: string
  readonly storeMessageContent: boolean
  readonly consent: WorkspaceConsent
  readonly roundRobin: boolean
}

/** Workspaces owning these numbers (system transaction: no workspace is known yet). */
export async function findRoutes(
  tx: Tx,
  phoneNumberIds: readonly string[],
): Promise<Map<string, WorkspaceRoute>> {
  if (phoneNumberIds.length === 0) return new Map()
  const rows = await tx
    .select({
      id: workspaces.id,
      phoneNumberId: workspaces.phoneNumberId,
      settings: workspaces.settings,
    })
    .from(workspaces)
    .where(inArray(workspaces.phoneNumberId, [...phoneNumberIds]))
  return new Map(
    rows.map((r) => {
      const settings = parseSettings(r.settings)
      const route = {
        workspaceId: r.id,
        storeMessageContent: settings.storeMessageContent,
        consent: settings.consent,
        roundRobin: settings.inbox.roundRobin,
      }
      return [r.phoneNumberId ?? '', route]
    }),
  )
}

/** A raw event ready to store. */
export interface NewWebhookEvent {
  bodySha256: string
  bodyEnc: string
  contentRedacted: boolean
  workspaceIds: string[]
  unknownPhoneNumberIds: string[]
}

/**
 * Stores many events in one statement; a body already stored (a redelivery) is skipped.
 * Returns the hashes of the bodies stored now.
 */
export async function insertEvents(
  tx: Tx,
  events: readonly NewWebhookEvent[],
): Promise<Set<string>> {
  const rows = events.map((e) => ({
    body_sha256: e.bodySha256,
    body_enc: e.bodyEnc,
    content_redacted: e.contentRedacted,
    workspace_ids: e.workspaceIds,
    unknown_phone_number_ids: e.unknownPhoneNumberIds,
  }))
  const stored = await tx.execute<{ body_sha256: string }>(sql`
    insert into webhook_events
      (body_sha256, body_enc, content_redacted, workspace_ids, unknown_phone_number_ids)
    select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
      body_sha256 text, body_enc text, content_redacted boolean,
      workspace_ids uuid[], unknown_phone_number_ids text[])
    on conflict (body_sha256) do nothing
    returning body_sha256`)
  return new Set(stored.rows.map((r) => r.body_sha256))
}

/** A claimed event, leased to one worker until `leaseUntil`. */
export interface ClaimedEvent {
  id: number
  bodyEnc: string
  attempts: number
  receivedAt: Date
}

/** Leases up to `limit` due events to this worker; others skip them (SKIP LOCKED). */
export async function claimDueEvents(
  tx: Tx,
  options: { now: Date; leaseUntil: Date; limit: number },
): Promise<ClaimedEvent[]> {
  const result = await tx.execute<{
    id: string
    body_enc: string
    attempts: number
    received_at: string
  }>(sql`
    update webhook_events set attempts = attempts + 1, next_attempt_at = ${options.leaseUntil}
    where id in (
      select id from webhook_events
      where state = 'pending' and next_attempt_at <= ${options.now}
      order by id limit ${options.limit}
      for update skip locked)
    returning id, body_enc, attempts, received_at`)
  return result.rows.map((r) => ({
    id: Number(r.id),
    bodyEnc: r.body_enc,
    attempts: r.attempts,
    receivedAt: new Date(r.received_at),
  }))
}

/** Records a failed attempt: retry at `retryAt`, or parked as failed without one. */
export async function recordFailedAttempt(
  tx: Tx,
  id: number,
  failure: { error: string; now: Date; retryAt?: Date },
): Promise<void> {
  await tx
    .update(webhookEvents)
    .set({
      state: failure.retryAt ? 'pending' : 'failed',
      nextAttemptAt: failure.retryAt ?? failure.now,
      lastError: failure.error,
    })
    .where(eq(webhookEvents.id, id))
}

/** Gives a leased event back, due at `at`, without counting the attempt (it lost a lock conflict). */
export async function releaseEvent(tx: Tx, id: number, at: Date): Promise<void> {
  await tx
    .update(webhookEvents)
    .set({ attempts: sql`greatest(${webhookEvents.attempts} - 1, 0)`, nextAttemptAt: at })
    .where(eq(webhookEvents.id, id))
}

/**
 * Marks events processed in one statement, each with the workspaces it reached. On a processed
 * event `last_error` says which items were left out as malformed (null when none was).
 */
export async function markProcessed(
  tx: Tx,
  now: Date,
  routing: Map<number, { workspaceIds: string[]; unknownPhoneNumberIds: string[] }>,
  malformed: ReadonlyMap<number, string>,
): Promise<void> {
  const rows = [...routing].map(([id, r]) => ({
    id,
    workspace_ids: r.workspaceIds,
    unknown_phone_number_ids: r.unknownPhoneNumberIds,
    malformed: malformed.get(id) ?? null,
  }))
  await tx.execute(sql`
    update webhook_events e set state = 'processed', processed_at = ${now},
      last_error = r.malformed,
      workspace_ids = r.workspace_ids, unknown_phone_number_ids = r.unknown_phone_number_ids
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(id bigint, workspace_ids uuid[], unknown_phone_number_ids text[], malformed text)
    where e.id = r.id`)
}

/** Puts stored events back in the queue for a replay; returns how many. */
export async function requeueEvents(
  tx: Tx,
  filter: { since?: Date | undefined; onlyFailed: boolean; workspaceId?: string; now: Date },
): Promise<number> {
  const rows = await tx
    .update(webhookEvents)
    .set({ state: 'pending', attempts: 0, nextAttemptAt: filter.now, lastError: null })
    .where(
      and(
        filter.since && gte(webhookEvents.receivedAt, filter.since),
        filter.onlyFailed ? eq(webhookEvents.state, 'failed') : undefined,
        filter.workspaceId
          ? sql`${filter.workspaceId}::uuid = any(${webhookEvents.workspaceIds})`
          : undefined,
      ),
    )
    .returning({ id: webhookEvents.id })
  return rows.length
}

/** Failed events (the dead letter) that concern one workspace, newest first. */
export async function listFailedEvents(tx: Tx, workspaceId: string, limit: number) {
  return tx
    .select({
      id: webhookEvents.id,
      receivedAt: webhookEvents.receivedAt,
      attempts: webhookEvents.attempts,
      lastError: webhookEvents.lastError,
    })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.state, 'failed'),
        sql`${workspaceId}::uuid = any(${webhookEvents.workspaceIds})`,
      ),
    )
    .orderBy(desc(webhookEvents.id))
    .limit(limit)
}

/** Processed events of one workspace that had items left out as malformed, newest first. */
export async function listMalformedEvents(tx: Tx, workspaceId: string, limit: number) {
  return tx
    .select({
      id: webhookEvents.id,
      receivedAt: webhookEvents.receivedAt,
      malformed: webhookEvents.lastError,
    })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.state, 'processed'),
        isNotNull(webhookEvents.lastError),
        sql`${workspaceId}::uuid = any(${webhookEvents.workspaceIds})`,
      ),
    )
    .orderBy(desc(webhookEvents.id))
    .limit(limit)
}

/** Deletes processed events received before `before`; failed ones wait for a replay. */
export async function deleteProcessedEvents(tx: Tx, before: Date): Promise<number> {
  const rows = await tx
    .delete(webhookEvents)
    .where(and(eq(webhookEvents.state, 'processed'), lt(webhookEvents.receivedAt, before)))
    .returning({ id: webhookEvents.id })
  return rows.length
}
