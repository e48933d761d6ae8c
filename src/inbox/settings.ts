import { z } from 'zod'
import type { Role } from '../db/schema.js'

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

/** The inbox part of the workspace settings schema, with defaults for what was never set. */
export const inboxPart = z
  .object({
    roundRobin: z.boolean().catch(DEFAULTS.roundRobin).default(DEFAULTS.roundRobin),
    maskPhonesForSales: z
      .boolean()
      .catch(DEFAULTS.maskPhonesForSales)
      .default(DEFAULTS.maskPhonesForSales),
    markAsRead: z.boolean().catch(DEFAULTS.markAsRead).default(DEFAULTS.markAsRead),
  })
  .catch(DEFAULTS)
  .default(DEFAULTS)

/** True when this role must see phone numbers masked under these settings. */
export function masksPhonesFor(role: Role, settings: InboxSettings): boolean {
  return settings.maskPhonesForSales && role === 'sales'
}
