import type { Tx } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import type { Logger } from 'pino'
import type { MessageFailure } from '../db/schema.js'
import { GraphError } from '../whatsapp/graph-errors.js'
import { GraphUnreachableError, type SentMessage } from '../whatsapp/graph-client.js'
import type { ParsedSettings } from '../workspaces/settings-schema.js'
import { upsertSentMessage } from '../messages/messages.repo.js'
import { noteActivity } from '../conversations/activity.js'
import { recordConsentChange } from '../consent/record-consent.js'
import { actionForError, MARKETING_STOPPED, type SendErrorAction } from './error-classes.js'
import { displayText, messageTypeOf, type SendContent } from './content.js'
import {
  pauseSending,
  recordOutcome,
  type loadLeasedSend,
  type SendOutcome,
} from './outbound.repo.js'

/** A call that was made: Meta's answer, or what went wrong. */
export interface CallResult {
  readonly kind: 'called'
  readonly send: NonNullable<Awaited<ReturnType<typeof loadLeasedSend>>>
  readonly content: SendContent
  readonly sent: SentMessage | undefined
  readonly error: unknown
  readonly settings: ParsedSettings
}

/** The workspace, and what writing the outcome needs. */
export interface ResultDeps {
  readonly workspaceId: string
  readonly cipher: FieldCipher
  readonly log: Logger
  readonly now: () => Date
}

/** Writes what a call to Meta came to: the sent message, a retry, a failure or a pause. */
export async function recordCallResult(
  tx: Tx,
  deps: ResultDeps,
  call: CallResult,
): Promise<string> {
  const now = deps.now()
  const context = { now, called: true, keepContent: call.settings.storeMessageContent }
  // Whatever came of it, an open thread shows the send's new state. The conversation is
  // touched last, as processing does (contact, then message, then conversation).
  const touched = { workspaceId: deps.workspaceId, contactId: call.send.contactId }
  if (call.sent) {
    const { wamid } = call.sent
    const messageId = await storeSentMessage(tx, deps, call, { wamid, ...context })
    await recordOutcome(tx, call.send.id, { state: 'sent', wamid, messageId }, context)
    await noteActivity(tx, touched)
    return 'sent'
  }
  const failure = failureOf(call.error)
  const action = actionFor(call)
  const outcome = outcomeOf(action, failure, now)
  // The send's own row first: every path below locks the contact or the workspace after it.
  await recordOutcome(tx, call.send.id, outcome, context)
  if (failure.code === MARKETING_STOPPED) await stopMarketing(tx, deps, call.send.contactId)
  if (action.action === 'pause_workspace') {
    await pauseSending(tx, deps.workspaceId, `${failure.code}: ${failure.title ?? ''}`, now)
    deps.log.error(
      { workspaceId: deps.workspaceId, code: failure.code },
      'Meta refused the workspace: sending paused',
    )
  }
  await noteActivity(tx, touched)
  return outcome.state
}

function storeSentMessage(
  tx: Tx,
  deps: ResultDeps,
  call: CallResult,
  sent: { wamid: string; now: Date; keepContent: boolean },
) {
  const { cipher } = deps
  const { keepContent: keep, now } = sent
  return upsertSentMessage(tx, {
    workspaceId: deps.workspaceId,
    contactId: call.send.contactId,
    direction: 'outbound',
    wamid: sent.wamid,
    type: messageTypeOf(call.content),
    sentAt: now,
    textEnc: keep ? cipher.encrypt(displayText(call.content)) : null,
    contentEnc: keep ? cipher.encrypt(JSON.stringify(call.content)) : null,
    contextWamid: call.content.replyTo ?? null,
    status: 'accepted',
    statusAt: now,
  })
}

// A cut-off call may have reached Meta: `unknown`, never retried. A refused connection did not.
type CallAction = SendErrorAction | { readonly action: 'unknown' }

function actionFor(call: CallResult): CallAction {
  const { error, send } = call
  if (error instanceof GraphUnreachableError) {
    return neverReachedMeta(error) ? actionForError({}, send.attempts) : { action: 'unknown' }
  }
  if (error instanceof GraphError) return actionForError(error, send.attempts)
  return { action: 'fail' }
}

function outcomeOf(action: CallAction, error: MessageFailure, now: Date): SendOutcome {
  switch (action.action) {
    case 'unknown':
      return { state: 'unknown', error }
    case 'fail':
      return { state: 'failed', error }
    // A paused workspace's send waits in the queue for the resume.
    case 'pause_workspace':
      return { state: 'queued', retryAt: now, error }
    case 'retry':
      return { state: 'queued', retryAt: new Date(now.getTime() + action.delayMs), error }
  }
}

// Meta's send answer 131050: the contact stopped marketing on WhatsApp itself.
async function stopMarketing(tx: Tx, deps: ResultDeps, contactId: string) {
  await recordConsentChange(tx, deps, {
    contactId,
    scope: 'marketing',
    state: 'stopped',
    method: 'platform',
    occurredAt: deps.now(),
    reason: 'Meta answered 131050: the contact stopped marketing messages',
  })
}

function failureOf(error: unknown): MessageFailure {
  if (error instanceof GraphError) {
    return {
      code: error.code ?? 0,
      title: error.message,
      ...(error.details && { details: error.details }),
    }
  }
  return { code: 0, title: error instanceof Error ? error.message : String(error) }
}

const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'])

// A refused or unresolvable connection carried no request; a timeout or reset may have.
function neverReachedMeta(error: Error): boolean {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code
    if (typeof code === 'string' && NOT_CONNECTED.has(code)) return true
  }
  return false
}
