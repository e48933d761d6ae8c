import type { Tx } from '../db/tenant.js'
import { AppError } from '../errors.js'
import {
  consentSettingsSchema,
  type ConsentSettings,
  type WorkspaceConsent,
} from '../consent/settings.js'
import { isTimeZone } from '../console/time-zone.js'
import type { InboxSettings } from '../inbox/settings.js'
import { clearSendingPause, findWorkspace, mergeWorkspaceSettings } from './workspaces.repo.js'
import { checkedNumberOf, type CheckedNumber } from './whatsapp-rules.js'

/** Why and since when a workspace's sending is paused. */
export interface SendingPause {
  readonly at: Date
  /** Meta's error code and title, as the dispatcher recorded them. */
  readonly reason: string
}

/** The workspace's WhatsApp connection as the console may show it: never the token itself. */
export interface WhatsAppSettings {
  readonly wabaId: string | null
  readonly hasAccessToken: boolean
  /** What Meta said about the number when it was last checked; null if it never was. */
  readonly checkedNumber: CheckedNumber | null
}

/** The workspace settings the console shows and edits. */
export interface WorkspaceSettings {
  readonly name: string
  readonly phoneNumberId: string | null
  readonly whatsapp: WhatsAppSettings
  /** Privacy mode is this set to false: bodies and media are never written. */
  readonly storeMessageContent: boolean
  /** Set while Meta refuses the workspace's sends; queued sends wait until it is resumed. */
  readonly sendingPause: SendingPause | null
  readonly messagesPerSecond: number
  readonly consent: WorkspaceConsent
  readonly inbox: InboxSettings
  /** IANA zone the console shows times in and reads bare dates in. */
  readonly timeZone: string
}

/** The pause recorded on a workspace row, if any. */
export function sendingPauseOf(row: {
  sendingPausedAt: Date | null
  sendingPausedReason: string | null
}): SendingPause | null {
  if (!row.sendingPausedAt) return null
  return { at: row.sendingPausedAt, reason: row.sendingPausedReason ?? 'no reason was recorded' }
}

// The pause's cause for agents, from Meta's code at the head of the recorded reason (reference §6).
const PAUSE_CAUSES: Readonly<Record<string, string>> = {
  '190': 'WhatsApp rejected the access token',
  '368': 'WhatsApp restricted the business account for a policy violation',
}

/** Why sending is paused, in an agent's words ("WhatsApp rejected the access token"). */
export function pauseCauseOf(pause: SendingPause): string {
  const code = /^\d+/.exec(pause.reason)?.[0] ?? ''
  return PAUSE_CAUSES[code] ?? 'WhatsApp refused to send for this workspace'
}

/** Reads the settings of the transaction's workspace, with defaults for keys never set. */
export async function loadSettings(tx: Tx, workspaceId: string): Promise<WorkspaceSettings> {
  const workspace = await findWorkspace(tx, workspaceId)
  if (!workspace) throw new AppError('not_found')
  const { settings } = workspace
  return {
    name: workspace.name,
    phoneNumberId: workspace.phoneNumberId,
    whatsapp: {
      wabaId: workspace.wabaId,
      hasAccessToken: workspace.accessTokenEnc !== null,
      checkedNumber: checkedNumberOf(settings.whatsappNumber, workspace.phoneNumberId),
    },
    storeMessageContent: settings.storeMessageContent,
    sendingPause: sendingPauseOf(workspace),
    messagesPerSecond: settings.messagesPerSecond,
    consent: settings.consent,
    inbox: settings.inbox,
    timeZone: settings.timezone,
  }
}

/** Turns storing message content on or off; takes effect for events received from now on. */
export function setStoreMessageContent(tx: Tx, workspaceId: string, store: boolean) {
  return mergeWorkspaceSettings(tx, workspaceId, { storeMessageContent: store })
}

/** Sets the workspace's time zone; a name the runtime does not know is validation_failed. */
export async function saveTimeZone(tx: Tx, workspaceId: string, timeZone: string): Promise<void> {
  if (!isTimeZone(timeZone)) {
    throw new AppError(
      'validation_failed',
      'timezone must be an IANA zone name such as Asia/Kolkata',
    )
  }
  await mergeWorkspaceSettings(tx, workspaceId, { timezone: timeZone })
}

/** Saves the consent page: keyword lists, replies, opt-out buttons and the send rate. */
export async function saveConsentPage(
  tx: Tx,
  workspaceId: string,
  page: { consent: ConsentSettings; messagesPerSecond: number },
): Promise<void> {
  // The consent part falls back to the defaults on a value it cannot read, so a malformed write
  // would silently undo the workspace's edits: it is refused here instead.
  await mergeWorkspaceSettings(tx, workspaceId, {
    consent: consentSettingsSchema.parse(page.consent),
    messagesPerSecond: page.messagesPerSecond,
  })
}

/** Saves the inbox settings of the transaction's workspace. */
export function saveInboxSettings(tx: Tx, workspaceId: string, inbox: InboxSettings) {
  return mergeWorkspaceSettings(tx, workspaceId, { inbox })
}

/** The workspace's sending pause, or null while it sends. */
export async function loadSendingPause(tx: Tx, workspaceId: string): Promise<SendingPause | null> {
  const workspace = await findWorkspace(tx, workspaceId)
  return workspace ? sendingPauseOf(workspace) : null
}

/** Lets queued sends go out again once the token or account is fixed in Meta. */
export function resumeSending(tx: Tx, workspaceId: string) {
  return clearSendingPause(tx, workspaceId)
}
