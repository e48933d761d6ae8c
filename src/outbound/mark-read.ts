import { withTenant } from '../db/tenant.js'
import type { JobDeps } from '../jobs/types.js'
import { loadWhatsAppCredentials } from '../credentials/whatsapp.js'
import { loadSendingPause } from '../workspaces/settings.js'
import { markRead } from '../whatsapp/graph-client.js'

/** Which workspace's inbound message to mark read (it marks the earlier ones too). */
export interface MarkReadRequest {
  readonly workspaceId: string
  readonly wamid: string
}

/**
 * Tells Meta an agent read the contact's messages (blue ticks on the contact's phone). Best
 * effort: a refusal is logged, not retried, since the next opened thread marks read again.
 */
export async function markMessagesRead(deps: JobDeps, request: MarkReadRequest): Promise<string> {
  const { workspaceId } = request
  const [whatsapp, pause] = await withTenant(deps.db, workspaceId, async (tx) => [
    await loadWhatsAppCredentials(tx, deps.cipher, workspaceId),
    await loadSendingPause(tx, workspaceId),
  ])
  const { phoneNumberId, accessToken } = whatsapp ?? {}
  if (!phoneNumberId || !accessToken) return 'not_connected'
  if (pause) return 'paused'
  const sender = { ...deps.graph, phoneNumberId, accessToken }
  try {
    await markRead(sender, request.wamid, { signal: deps.shutdown })
    return 'read'
  } catch (error) {
    deps.log.warn({ err: error, workspaceId: request.workspaceId }, 'mark as read failed')
    return 'failed'
  }
}
