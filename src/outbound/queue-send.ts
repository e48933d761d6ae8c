import { randomUUID } from 'node:crypto'
import type { Tx } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import type { SendCategory, SendOrigin } from '../db/schema.js'
import { AppError } from '../errors.js'
import { resolveTemplate } from '../templates/resolve-template.js'
import { refusalFor, type SendRefusal } from './gate-rules.js'
import { findSendByKey, insertSend, type SendSummary } from './outbound.repo.js'
import { loadGateTarget } from './gate-target.js'
import type { SendContent } from './content.js'
import { noteActivity } from '../conversations/activity.js'
import { templateText } from '../templates/template-text.js'

/** A request to send one message to one contact. */
export interface SendRequest {
  readonly contactId: string
  /** A template's category is the workspace's synced template's, never the sender's word. */
  readonly content: SendContent
  readonly origin: SendOrigin
  /** The same key twice is one send (API retries, job retries, confirmations). */
  readonly idempotencyKey?: string | undefined
  /** For confirmations: the consent change this message answers. */
  readonly consentEventId?: string | undefined
  readonly createdByUserId?: string | undefined
  readonly createdByApiKeyId?: string | undefined
}

/** The send was queued (or had been, under the same key), or the gate refused it. */
export type QueueResult =
  { readonly queued: SendSummary; readonly created: boolean } | { readonly refused: SendRefusal }

/** The workspace the transaction is bound to, its cipher and clock. */
export interface QueueScope {
  readonly workspaceId: string
  readonly cipher: FieldCipher
  readonly now: Date
}

/**
 * The gate's first check, in the transaction that queues the send: the only way a message is
 * queued. The contact stays share-locked until commit, so a consent change cannot slip between
 * the decision and the queued row. Throws not_found for a contact this workspace does not have.
 */
export async function queueSend(
  tx: Tx,
  scope: QueueScope,
  request: SendRequest,
): Promise<QueueResult> {
  const key = request.idempotencyKey ?? randomUUID()
  const earlier = request.idempotencyKey ? await findSendByKey(tx, key) : undefined
  if (earlier) return sameSend(earlier, request, scope.cipher)
  const { category, content } = await resolveContent(tx, scope, request.content)
  const target = await loadGateTarget(tx, scope, request.contactId)
  if (target === undefined) throw new AppError('not_found', 'No such contact')
  const refused = refusalFor(target, { ...request, category }, scope.now)
  if (refused) return { refused }
  const created = await insertSend(tx, {
    workspaceId: scope.workspaceId,
    contactId: request.contactId,
    idempotencyKey: key,
    origin: request.origin,
    category,
    kind: request.content.kind,
    contentEnc: scope.cipher.encrypt(JSON.stringify(content)),
    requestDigest: scope.cipher.blindIndex(digestInput(request)),
    consentEventId: request.consentEventId ?? null,
    createdByUserId: request.createdByUserId ?? null,
    createdByApiKeyId: request.createdByApiKeyId ?? null,
    nextAttemptAt: scope.now,
  })
  if (created) {
    const activity = { workspaceId: scope.workspaceId, contactId: request.contactId }
    await noteActivity(tx, { ...activity, messageAt: scope.now })
    return { queued: created, created: true }
  }
  const raced = await findSendByKey(tx, key)
  if (!raced) throw new Error('idempotency key conflict without a row')
  return sameSend(raced, request, scope.cipher)
}

/**
 * Free-form content is service; a template is what Meta categorized it as, or refused (422).
 * A template send keeps the words Meta fills in, so the thread and the inbox show what the
 * contact read rather than the template's name.
 */
async function resolveContent(
  tx: Tx,
  scope: QueueScope,
  content: SendContent,
): Promise<{ category: SendCategory; content: SendContent }> {
  if (content.kind !== 'template') return { category: 'service', content }
  const { name, language } = content.template
  const resolved = await resolveTemplate(tx, { workspaceId: scope.workspaceId, name, language })
  if ('refused' in resolved) throw new AppError(resolved.refused, resolved.detail)
  const text = content.text ?? templateText(resolved.template, content.template)
  return { category: resolved.category, content: { ...content, text } }
}

// Keyed, not a bare hash: short texts would be easy to guess from a bare SHA-256. The prefix
// keeps these apart from the phone and BSUID indexes made with the same key.
function digestInput(request: SendRequest): string {
  return `send-content:${JSON.stringify(request.content)}`
}

// A retry with the same key is answered with the first send; anything else under that key is a
// mistake of the caller, refused rather than silently answered with a send it did not ask for.
function sameSend(earlier: SendSummary, request: SendRequest, cipher: FieldCipher): QueueResult {
  if (earlier.contactId !== request.contactId) {
    throw new AppError('idempotency_key_reused', 'This key was used for another contact')
  }
  const digests = cipher.blindIndexes(digestInput(request))
  if (earlier.requestDigest !== null && !digests.includes(earlier.requestDigest)) {
    throw new AppError('idempotency_key_reused', 'This key was used for another message')
  }
  return { queued: earlier, created: false }
}
