import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal } from '../http/roles.js'
import type { Tx } from '../db/tenant.js'
import { auditRequest } from '../audit/actor.js'
import { queueSend, type SendRequest } from './queue-send.js'

/**
 * Queues a console or API send through the gate as the request's principal and, when a new
 * send was queued, records who asked in the audit chain (kind and category only: the words
 * stay out of the audit log).
 */
export async function queueForRequest(c: Context<AppEnv>, tx: Tx, request: SendRequest) {
  const principal = currentPrincipal(c)
  const { deps } = c.var
  const scope = { workspaceId: principal.workspaceId, cipher: deps.cipher, now: deps.now() }
  const result = await queueSend(tx, scope, {
    ...request,
    createdByApiKeyId: principal.kind === 'api_key' ? principal.id : undefined,
    createdByUserId: principal.kind === 'user' ? principal.id : undefined,
  })
  if ('queued' in result && result.created) {
    await auditRequest(c, tx, {
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
