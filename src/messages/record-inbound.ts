import type { Tx } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import type { InboundMessage } from '../whatsapp/cloud-api.js'
import { insertTouch, offerFirstTouch, touchLastInbound } from '../contacts/contacts.repo.js'
import { summariseInbound, type InboundSummary } from './inbound-rules.js'
import { insertMessage, upsertReaction } from './messages.repo.js'
import { noteActivity } from '../conversations/activity.js'

/** The workspace a change belongs to and how it treats content. */
export interface InboundScope {
  readonly workspaceId: string
  readonly cipher: FieldCipher
  /** Privacy mode off: bodies and media are never written. */
  readonly storeContent: boolean
  /** New conversations go to the sales users in turn. */
  readonly roundRobin: boolean
  readonly receivedAt: Date
}

/** A stored message whose media still has to be downloaded. */
export interface MediaToFetch {
  readonly workspaceId: string
  readonly messageId: string
}

/**
 * Records one inbound message exactly once (unique wamid): the message, the contact's last
 * inbound time (the 24-hour window), and its ad referral. A reaction updates its target instead.
 */
export async function recordInbound(
  tx: Tx,
  scope: InboundScope,
  message: InboundMessage,
  contactId: string | undefined,
): Promise<MediaToFetch | undefined> {
  const summary = summariseInbound(message, scope.receivedAt)
  if (message.type === 'reaction' && message.reaction && contactId) {
    await recordReaction(tx, scope, message, contactId, summary.sentAt)
    return undefined
  }
  const messageId = await insertMessage(tx, messageRow(scope, message, summary, contactId))
  if (messageId === undefined || contactId === undefined) return undefined
  await touchLastInbound(tx, contactId, summary.sentAt)
  await noteActivity(tx, {
    workspaceId: scope.workspaceId,
    contactId,
    messageAt: summary.sentAt,
    unread: true,
    assignIfNew: scope.roundRobin,
  })
  if (summary.referral) {
    await insertTouch(tx, {
      workspaceId: scope.workspaceId,
      contactId,
      wamid: message.id,
      touch: summary.referral,
      occurredAt: summary.sentAt,
    })
    await offerFirstTouch(tx, contactId, summary.referral, summary.sentAt)
  }
  return summary.media && scope.storeContent
    ? { workspaceId: scope.workspaceId, messageId }
    : undefined
}

function messageRow(
  scope: InboundScope,
  message: InboundMessage,
  summary: InboundSummary,
  contactId: string | undefined,
) {
  const { cipher, storeContent } = scope
  return {
    workspaceId: scope.workspaceId,
    contactId: contactId ?? null,
    direction: 'inbound' as const,
    wamid: message.id,
    type: summary.type,
    unsupportedType: summary.unsupportedType ?? null,
    sentAt: summary.sentAt,
    textEnc: storeContent && summary.text ? cipher.encrypt(summary.text) : null,
    contentEnc: storeContent ? cipher.encrypt(JSON.stringify(message)) : null,
    contextWamid: summary.contextWamid ?? null,
    context: summary.context ?? null,
    referral: summary.referral ?? null,
    mediaId: summary.media?.id ?? null,
    mediaMimeType: summary.media?.mimeType ?? null,
    mediaState: summary.media
      ? storeContent
        ? ('pending' as const)
        : ('withheld' as const)
      : null,
    status: 'received' as const,
    statusAt: summary.sentAt,
    failure: summary.failure ?? null,
  }
}

async function recordReaction(
  tx: Tx,
  scope: InboundScope,
  message: InboundMessage,
  contactId: string,
  reactedAt: Date,
) {
  await touchLastInbound(tx, contactId, reactedAt)
  await noteActivity(tx, { workspaceId: scope.workspaceId, contactId })
  // The emoji is content: in privacy mode the reaction is not kept at all.
  if (!scope.storeContent || !message.reaction) return
  const { emoji } = message.reaction
  await upsertReaction(tx, {
    workspaceId: scope.workspaceId,
    targetWamid: message.reaction.message_id,
    contactId,
    reactionWamid: message.id,
    // An empty emoji means the contact took the reaction back.
    emojiEnc: emoji ? scope.cipher.encrypt(emoji) : null,
    reactedAt,
  })
}
