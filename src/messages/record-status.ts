import type { Tx } from '../db/tenant.js'
import type { MessageStatus } from '../whatsapp/cloud-api.js'
import type { MessageFailure } from '../db/schema.js'
import { failureOf, parseMetaTime } from './inbound-rules.js'
import { nextDeliveryState } from './status-rules.js'
import {
  insertMessage,
  insertStatus,
  lockMessageByWamid,
  updateMessageStatus,
} from './messages.repo.js'
import { noteActivity } from '../conversations/activity.js'

/**
 * Records a status once per (wamid, status) and moves the message forward only. A status can
 * arrive before Parley stored the send (or for a message sent elsewhere): the outbound message
 * is then created from the status, and the sender's later upsert fills in the rest.
 */
export async function recordStatus(
  tx: Tx,
  scope: { workspaceId: string; receivedAt: Date },
  status: MessageStatus,
  contactId: string | undefined,
): Promise<void> {
  const occurredAt = parseMetaTime(status.timestamp, scope.receivedAt)
  const failure = failureOf(status.errors) ?? null
  const isNew = await insertStatus(tx, {
    workspaceId: scope.workspaceId,
    wamid: status.id,
    status: status.status,
    occurredAt,
    failure,
    pricing: status.pricing ?? null,
    callbackData: status.biz_opaque_callback_data ?? null,
  })
  if (!isNew) return
  const message = await lockMessageByWamid(tx, status.id)
  if (message === undefined) {
    const known = { workspaceId: scope.workspaceId, occurredAt, failure }
    await insertFromStatus(tx, known, { wamid: status.id, reported: status.status, contactId })
    return
  }
  const next = nextDeliveryState(message.status, status.status)
  if (next === undefined) return
  await updateMessageStatus(tx, message.id, {
    status: next,
    statusAt: occurredAt,
    ...(next === 'failed' && { failure }),
  })
  // Ticks change live in an open thread.
  if (message.contactId) {
    await noteActivity(tx, { workspaceId: scope.workspaceId, contactId: message.contactId })
  }
}

async function insertFromStatus(
  tx: Tx,
  scope: { workspaceId: string; occurredAt: Date; failure: MessageFailure | null },
  status: { wamid: string; reported: string; contactId: string | undefined },
) {
  const state = nextDeliveryState('accepted', status.reported) ?? 'accepted'
  await insertMessage(tx, {
    workspaceId: scope.workspaceId,
    contactId: status.contactId ?? null,
    direction: 'outbound',
    wamid: status.wamid,
    type: 'unknown',
    sentAt: scope.occurredAt,
    status: state,
    statusAt: scope.occurredAt,
    failure: state === 'failed' ? scope.failure : null,
  })
}
