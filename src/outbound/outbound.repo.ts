import { and, eq, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import {
  contacts,
  sends,
  workspaces,
  type MessageFailure,
  type SendCategory,
} from '../db/schema.js'
import type { GateContact } from './gate-rules.js'
import { loadWorkspaceSettings } from '../workspaces/workspaces.repo.js'
import { parseSettings } from '../workspaces/settings-schema.js'

/** The contact as the gate sees it, plus how to address it. */
export interface SendTarget extends GateContact {
  readonly phoneEnc: string | null
  readonly bsuid: string | null
}

/**
 * Reads the contact for a gate decision with a key-share lock held to the end of the
 * transaction: a consent change to this contact (which locks it for update first) waits until
 * the decision, and the call made under it, are done, so no send passes on a state that has
 * already changed. Other updates of the contact (last message time, profile) do not wait.
 */
export async function lockSendTarget(tx: Tx, contactId: string): Promise<SendTarget | undefined> {
  const [row] = await tx
    .select({
      consentState: contacts.consentState,
      consentEventId: contacts.consentEventId,
      marketingState: contacts.marketingState,
      lastInboundAt: contacts.lastInboundAt,
      phoneEnc: contacts.phoneEnc,
      bsuid: contacts.bsuid,
    })
    .from(contacts)
    .where(eq(contacts.id, contactId))
    .for('key share')
  return row
}

/** A send's summary as the API answers it. */
export interface SendSummary {
  readonly id: string
  readonly state: string
  readonly contactId: string
  readonly category: SendCategory
  readonly requestDigest: string | null
}

const summaryColumns = {
  id: sends.id,
  state: sends.state,
  contactId: sends.contactId,
  category: sends.category,
  requestDigest: sends.requestDigest,
}

/** The send made earlier under this idempotency key, if any. */
export async function findSendByKey(tx: Tx, key: string): Promise<SendSummary | undefined> {
  const [row] = await tx.select(summaryColumns).from(sends).where(eq(sends.idempotencyKey, key))
  return row
}

/** Inserts a send; undefined when a concurrent request took the same idempotency key. */
export async function insertSend(
  tx: Tx,
  row: typeof sends.$inferInsert,
): Promise<SendSummary | undefined> {
  const [created] = await tx
    .insert(sends)
    .values(row)
    .onConflictDoNothing({ target: [sends.workspaceId, sends.idempotencyKey] })
    .returning(summaryColumns)
  return created
}

/** A leased send with what the call to Meta needs. */
export async function loadLeasedSend(tx: Tx, id: string) {
  const [row] = await tx
    .select({
      id: sends.id,
      workspaceId: sends.workspaceId,
      contactId: sends.contactId,
      state: sends.state,
      origin: sends.origin,
      category: sends.category,
      consentEventId: sends.consentEventId,
      contentEnc: sends.contentEnc,
      attempts: sends.attempts,
      claimedAt: sends.claimedAt,
      settings: workspaces.settings,
    })
    .from(sends)
    .innerJoin(workspaces, eq(workspaces.id, sends.workspaceId))
    .where(eq(sends.id, id))
  return row && { ...row, settings: parseSettings(row.settings) }
}

/** The outcome of one attempt, written to the send. */
export type SendOutcome =
  | { readonly state: 'sent'; readonly wamid: string; readonly messageId: string | undefined }
  | { readonly state: 'skipped'; readonly reason: string }
  | { readonly state: 'failed' | 'unknown'; readonly error: MessageFailure }
  | { readonly state: 'queued'; readonly retryAt: Date; readonly error: MessageFailure }

/** Records an attempt's outcome on a send this worker leased. */
export async function recordOutcome(
  tx: Tx,
  id: string,
  outcome: SendOutcome,
  context: { now: Date; called: boolean; keepContent: boolean },
): Promise<void> {
  const ended = context.called ? { callEndedAt: context.now } : {}
  // In privacy mode the words are kept only while the send may still go.
  const forget = !context.keepContent && outcome.state !== 'queued' ? { contentEnc: null } : {}
  const common = {
    ...ended,
    ...forget,
    leaseUntil: null,
    callStartedAt: null,
    state: outcome.state,
  }
  const fields =
    outcome.state === 'sent'
      ? { wamid: outcome.wamid, messageId: outcome.messageId ?? null, sentAt: context.now }
      : outcome.state === 'skipped'
        ? { skipReason: outcome.reason }
        : outcome.state === 'queued'
          ? { nextAttemptAt: outcome.retryAt, lastError: outcome.error }
          : { lastError: outcome.error }
  await tx
    .update(sends)
    .set({ ...common, ...fields })
    .where(and(eq(sends.id, id), eq(sends.state, 'sending')))
}

/** True while the workspace's sending is paused (read fresh: another send may just have paused it). */
export async function isSendingPaused(tx: Tx, workspaceId: string): Promise<boolean> {
  const [row] = await tx
    .select({ pausedAt: workspaces.sendingPausedAt })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
  return row?.pausedAt != null
}

/** Stops a workspace's sending until an admin resumes it. */
export async function pauseSending(tx: Tx, workspaceId: string, reason: string, now: Date) {
  await tx
    .update(workspaces)
    .set({ sendingPausedAt: now, sendingPausedReason: reason })
    .where(and(eq(workspaces.id, workspaceId), sql`${workspaces.sendingPausedAt} is null`))
}

/**
 * A status for a message Parley sent (its callback data is the send's id) settles a send whose
 * call was cut off: Meta had it after all. Only `unknown` sends change.
 */
export async function settleUnknownSend(tx: Tx, sendId: string, wamid: string): Promise<void> {
  await tx.execute(sql`
    update sends s set state = 'sent', wamid = ${wamid}, last_error = null,
      message_id = (select id from messages m where m.wamid = ${wamid} and m.workspace_id = s.workspace_id)
    where s.id = ${sendId}::uuid and s.state = 'unknown'`)
}

/**
 * Skips, in one statement, every send queued to a contact that a consent change now refuses
 * (all but confirmations after an opt-out; marketing after a marketing stop), with the reason
 * the gate would give. Returns how many.
 */
export async function skipQueuedSends(
  tx: Tx,
  skip: {
    workspaceId: string
    contactId: string
    refusal: 'contact_opted_out' | 'marketing_opted_out'
  },
): Promise<number> {
  const { contactId, refusal } = skip
  const marketingOnly = refusal === 'marketing_opted_out'
  // In privacy mode the words are kept only while the send may still go.
  const { storeMessageContent } = await loadWorkspaceSettings(tx, skip.workspaceId)
  const result = await tx.execute(sql`
    update sends s set state = 'skipped', skip_reason = ${refusal}, lease_until = null,
      content_enc = case when ${storeMessageContent} then s.content_enc end
    where s.contact_id = ${contactId} and s.state = 'queued'
      and s.origin <> 'confirmation' and (not ${marketingOnly} or s.category = 'marketing')`)
  return result.rowCount ?? 0
}
