import { z } from 'zod'
import { consentPart, type ConsentSettings } from '../consent/settings.js'
import { inboxPart, type InboxSettings } from '../inbox/settings.js'
import { timeZonePart } from '../console/time-zone.js'
import { messagesPerSecondPart } from '../outbound/send-settings.js'
import { checkedNumberPart, type CheckedNumber } from './whatsapp-rules.js'

/**
 * Privacy mode, the one rule: content is stored unless the workspace turned it off (a missing
 * or unreadable value keeps content).
 */
const privacyPart = z
  .unknown()
  .optional()
  .transform((value) => value !== false)

/**
 * `workspaces.settings`, one part per feature. Every part falls back to its default on a
 * missing or unreadable value, so stored JSON of any age parses.
 */
const workspaceSettingsSchema = z.object({
  storeMessageContent: privacyPart,
  messagesPerSecond: messagesPerSecondPart,
  timezone: timeZonePart,
  consent: consentPart,
  inbox: inboxPart,
  whatsappNumber: checkedNumberPart,
})

/** A workspace's settings, typed, with defaults filled in. */
export type ParsedSettings = z.output<typeof workspaceSettingsSchema>

/** What a settings write may set, in the stored shape; keys left out are kept. */
export interface SettingsPatch {
  readonly storeMessageContent?: boolean
  readonly messagesPerSecond?: number
  readonly timezone?: string
  readonly consent?: ConsentSettings
  readonly inbox?: InboxSettings
  readonly whatsappNumber?: CheckedNumber
}

/** Parses a stored settings value (anything: old rows, hand edits) into the typed settings. */
export function parseSettings(stored: unknown): ParsedSettings {
  const object = typeof stored === 'object' && stored !== null && !Array.isArray(stored)
  return workspaceSettingsSchema.parse(object ? stored : {})
}
