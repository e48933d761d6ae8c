import type { Tx } from '../db/tenant.js'
import type { Acting } from '../actor.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { recordAudit } from '../audit/record-audit.js'
import { queueSend, type SendRequest } from './queue-send.js'

/**
 * Queues a send through the gate as the actor (a console user, an API key, a job) and, when a
 * new send was queued, records who asked in the audit chain (kind and category only: the words
 * stay out of the audit log).
 */
export async function queueAs(
  tx: Tx,
  acting: Acting & { readonly cipher: FieldCipher },
  request: SendRequest,
) {
  const { actor, now, cipher } = acting
  const result = await queueSend(
    tx,
    { workspaceId: actor.workspaceId, cipher, now },
    {
      ...request,
      createdByApiKeyId: actor.kind === 'api_key' ? actor.id : undefined,
      createdByUserId: actor.kind === 'user' ? actor.id : undefined,
    },
  )
  if ('queued' in result && result.created) {
    await recordAudit(tx, acting, {
      action: 'message.send',
      recordType: 'send',
      recordId: result.queued.id,
      details: {
        contactId: request.contactId,
        kind: request.content.kind,
        category: result.queued.category,
      },
    })
  }
  return result
}
