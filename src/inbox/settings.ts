import { z } from 'zod'
import type { Tx } from '../db/tenant.js'
import type { Role } from '../db/schema.js'
import { findWorkspace, mergeWorkspaceSettings } from '../workspaces/workspaces.repo.js'

/** How a workspace's inbox behaves. */
export interface InboxSettings {
  /** New conversations go to the active sales users in turn. */
  readonly roundRobin: boolean
  /** Sales users see phone numbers masked (+91 ••••• 43210). */
  readonly maskPhonesForSales: boolean
  /** Opening a thread tells Meta the contact's messages were read (blue ticks). */
  readonly markAsRead: boolean
}

const DEFAULTS: InboxSettings = { roundRobin: false, maskPhonesForSales: false, markAsRead: true }

const stored = z
  .object({
    roundRobin: z.boolean().optional(),
    maskPhonesForSales: z.boolean().optional(),
    markAsRead: z.boolean().optional(),
  })
  .catch({})

/** The inbox settings in a workspace's settings, with defaults for what was never set. */
export function inboxSettingsOf(settings: unknown): InboxSettings {
  const saved = stored.parse((settings as { inbox?: unknown } | null)?.inbox ?? {})
  return {
    roundRobin: saved.roundRobin ?? DEFAULTS.roundRobin,
    maskPhonesForSales: saved.maskPhonesForSales ?? DEFAULTS.maskPhonesForSales,
    markAsRead: saved.markAsRead ?? DEFAULTS.markAsRead,
  }
}

/** The inbox settings of the transaction's workspace. */
export async function loadInboxSettings(tx: Tx, workspaceId: string): Promise<InboxSettings> {
  return inboxSettingsOf((await findWorkspace(tx, workspaceId))?.settings)
}

/** Saves the inbox settings of the transaction's workspace. */
export function saveInboxSettings(tx: Tx, workspaceId: string, inbox: InboxSettings) {
  return mergeWorkspaceSettings(tx, workspaceId, { inbox })
}

/** True when this role must see phone numbers masked under these settings. */
export function masksPhonesFor(role: Role, settings: InboxSettings): boolean {
  return settings.maskPhonesForSales && role === 'sales'
}
