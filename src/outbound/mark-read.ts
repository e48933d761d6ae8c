import { withTenant } from '../db/tenant.js'
import type { JobDeps } from '../jobs/registry.js'
import { findWorkspace } from '../workspaces/workspaces.repo.js'
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
  const workspace = await withTenant(deps.db, request.workspaceId, (tx) =>
    findWorkspace(tx, request.workspaceId),
  )
  if (!workspace?.phoneNumberId || !workspace.accessTokenEnc) return 'not_connected'
  if (workspace.sendingPausedAt) return 'paused'
  const sender = {
    ...deps.graph,
    phoneNumberId: workspace.phoneNumberId,
    accessToken: deps.cipher.decrypt(workspace.accessTokenEnc),
  }
  try {
    await markRead(sender, request.wamid, { signal: deps.shutdown })
    return 'read'
  } catch (error) {
    deps.log.warn({ err: error, workspaceId: request.workspaceId }, 'mark as read failed')
    return 'failed'
  }
}
