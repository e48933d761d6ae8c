import type { Tx } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import type { Logger } from 'pino'
import type { MessageFailure } from '../db/schema.js'
import { GraphError } from '../whatsapp/graph-errors.js'
import { GraphUnreachableError, type SentMessage } from '../whatsapp/graph-client.js'
import { storesMessageContent } from '../workspaces/settings.js'
import { upsertSentMessage } from '../messages/messages.repo.js'
import { recordConsentChange } from '../consent/record-consent.js'
import { actionForError, type SendErrorAction } from './error-classes.js'
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
  readonly settings: unknown
}

/** The workspace, and what writing the outcome needs. */
export interface ResultDeps {
  readonly workspaceId: string
  readonly cipher: FieldCipher
  readonly log: Logger
  readonly now: () => Date
}

const MARKETING_STOPPED = 131050

/** Writes what a call to Meta came to: the sent message, a retry, a failure or a pause. */
export async function recordCallResult(
  tx: Tx,
  deps: ResultDeps,
  call: CallResult,
): Promise<string> {
  const now = deps.now()
  const keepContent = storesMessageContent(call.settings)
  const context = { now, called: true, keepContent }
  if (call.sent) {
    const messageId = await storeSentMessage(tx, deps, call, call.sent.wamid)
    await recordOutcome(
      tx,
      call.send.id,
      { state: 'sent', wamid: call.sent.wamid, messageId },
      context,
    )
    return 'sent'
  }
  const outcome = await outcomeOfError(tx, deps, call)
  await recordOutcome(tx, call.send.id, outcome, context)
  return outcome.state
}

function storeSentMessage(tx: Tx, deps: ResultDeps, call: CallResult, wamid: string) {
  const { cipher } = deps
  const keep = storesMessageContent(call.settings)
  const now = deps.now()
  return upsertSentMessage(tx, {
    workspaceId: deps.workspaceId,
    contactId: call.send.contactId,
    direction: 'outbound',
    wamid,
    type: messageTypeOf(call.content),
    sentAt: now,
    textEnc: keep ? cipher.encrypt(displayText(call.content)) : null,
    contentEnc: keep ? cipher.encrypt(JSON.stringify(call.content)) : null,
    contextWamid: call.content.replyTo ?? null,
    status: 'accepted',
    statusAt: now,
  })
}

async function outcomeOfError(tx: Tx, deps: ResultDeps, call: CallResult): Promise<SendOutcome> {
  const { error, send } = call
  const failure = failureOf(error)
  if (error instanceof GraphUnreachableError && !neverReachedMeta(error)) {
    return { state: 'unknown', error: failure }
  }
  const action: SendErrorAction =
    error instanceof GraphError || error instanceof GraphUnreachableError
      ? actionForError(error instanceof GraphError ? error : {}, send.attempts)
      : { action: 'fail' }
  if (failure.code === MARKETING_STOPPED) await stopMarketing(tx, deps, send.contactId)
  if (action.action === 'pause_workspace') {
    await pauseSending(tx, deps.workspaceId, `${failure.code}: ${failure.title ?? ''}`, deps.now())
    deps.log.error(
      { workspaceId: deps.workspaceId, code: failure.code },
      'Meta refused the workspace: sending paused',
    )
    return { state: 'queued', retryAt: deps.now(), error: failure }
  }
  if (action.action === 'retry') {
    return {
      state: 'queued',
      retryAt: new Date(deps.now().getTime() + action.delayMs),
      error: failure,
    }
  }
  return { state: 'failed', error: failure }
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
