import type { Tx } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { findWorkspace, mergeWorkspaceSettings } from './workspaces.repo.js'

/** The workspace settings the console shows and edits. */
export interface WorkspaceSettings {
  readonly name: string
  readonly phoneNumberId: string | null
  /** Privacy mode is this set to false: bodies and media are never written. */
  readonly storeMessageContent: boolean
}

/** Privacy mode is on only when a workspace turned content off; a missing value keeps content. */
export function storesMessageContent(settings: unknown): boolean {
  return (settings as { storeMessageContent?: unknown } | null)?.storeMessageContent !== false
}

/** Reads the settings of the transaction's workspace, with defaults for keys never set. */
export async function loadSettings(tx: Tx, workspaceId: string): Promise<WorkspaceSettings> {
  const workspace = await findWorkspace(tx, workspaceId)
  if (!workspace) throw new AppError('not_found')
  return {
    name: workspace.name,
    phoneNumberId: workspace.phoneNumberId,
    storeMessageContent: storesMessageContent(workspace.settings),
  }
}

/** Turns storing message content on or off; takes effect for events received from now on. */
export function setStoreMessageContent(tx: Tx, workspaceId: string, store: boolean) {
  return mergeWorkspaceSettings(tx, workspaceId, { storeMessageContent: store })
}
