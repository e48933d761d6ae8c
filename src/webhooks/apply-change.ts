import type { Tx } from '../db/tenant.js'
import type { ChangeValue, WebhookContact } from '../whatsapp/cloud-api.js'
import { resolveContact, type ContactIdentity } from '../contacts/resolve-contact.js'
import { toE164 } from '../contacts/phone.js'
import { recordInbound, type InboundScope, type MediaToFetch } from '../messages/record-inbound.js'
import { recordStatus } from '../messages/record-status.js'
import { insertPlatformError, insertPreferenceUpdate } from '../messages/messages.repo.js'
import { parseMetaTime } from '../messages/inbound-rules.js'
import { applyInboundConsent } from '../consent/inbound-consent.js'
import { settleUnknownSend } from '../outbound/outbound.repo.js'
import { MARKETING_STOPPED } from '../outbound/error-classes.js'
import { isUuid } from '../db/tenant.js'
import { recordConsentChange } from '../consent/record-consent.js'
import type { WorkspaceConsent } from '../consent/settings.js'

// Meta's user_preferences values (reference §2.8) and the marketing state each sets.
const PREFERENCE_STATES: Readonly<Record<string, 'stopped' | 'allowed' | undefined>> = {
  stop: 'stopped',
  resume: 'allowed',
}

/** One change's place (the stored event and its entry/change position) and its workspace's consent settings. */
export interface ChangeScope extends InboundScope {
  readonly eventId: number
  readonly position: string
  readonly consent: WorkspaceConsent
  readonly now: Date
}

/** What applying a change left for jobs to do. */
export interface ChangeEffects {
  readonly media: MediaToFetch[]
  /** Consent confirmations queued for the send gate's dispatcher. */
  sendsQueued: number
}

/** The `contacts[]` entry that describes the sender/recipient with these ids, if any. */
function profileFor(
  contacts: WebhookContact[] | undefined,
  ids: { phone?: string | undefined; bsuid?: string | undefined },
): WebhookContact | undefined {
  const phone = toE164(ids.phone)
  const match = contacts?.find(
    (c) =>
      (ids.bsuid !== undefined && c.user_id === ids.bsuid) ||
      (phone !== undefined && toE164(c.wa_id) === phone),
  )
  return match ?? (contacts?.length === 1 ? contacts[0] : undefined)
}

function identityOf(
  contacts: WebhookContact[] | undefined,
  ids: { phone?: string | undefined; bsuid?: string | undefined },
): ContactIdentity {
  const profile = profileFor(contacts, ids)
  return {
    bsuid: ids.bsuid ?? profile?.user_id,
    parentBsuid: profile?.parent_user_id,
    phone: ids.phone ?? profile?.wa_id,
    profileName: profile?.profile?.name,
    username: profile?.profile?.username,
    countryCode: profile?.profile?.country_code,
  }
}

/**
 * Applies one `messages` or `user_preferences` change inside its workspace's transaction:
 * every message, status, error and preference in it (not just the first). Safe to run again.
 */
export async function applyChange(
  tx: Tx,
  scope: ChangeScope,
  value: ChangeValue,
): Promise<ChangeEffects> {
  const effects = await applyMessages(tx, scope, value)
  await applyStatuses(tx, scope, value)
  await applyErrors(tx, scope, value)
  await applyPreferences(tx, scope, value)
  return effects
}

async function applyMessages(tx: Tx, scope: ChangeScope, value: ChangeValue) {
  const effects: ChangeEffects = { media: [], sendsQueued: 0 }
  for (const message of value.messages ?? []) {
    const ids = { phone: message.from, bsuid: message.from_user_id }
    const contactId = await resolveContact(tx, scope, identityOf(value.contacts, ids))
    const fetch = await recordInbound(tx, scope, message, contactId)
    if (fetch) effects.media.push(fetch)
    if (contactId === undefined) continue
    const sentAt = parseMetaTime(message.timestamp, scope.receivedAt)
    effects.sendsQueued += await applyInboundConsent(tx, scope, message, { id: contactId, sentAt })
  }
  return effects
}

async function applyStatuses(tx: Tx, scope: ChangeScope, value: ChangeValue) {
  for (const status of value.statuses ?? []) {
    const phone = status.recipient_type === 'group' ? undefined : status.recipient_id
    const ids = { phone, bsuid: status.recipient_user_id }
    const contactId = await resolveContact(tx, scope, identityOf(value.contacts, ids))
    await recordStatus(tx, scope, status, contactId)
    const sendId = status.biz_opaque_callback_data
    if (sendId !== undefined && isUuid(sendId)) await settleUnknownSend(tx, sendId, status.id)
    if (contactId && status.errors?.some((e) => e.code === MARKETING_STOPPED)) {
      await recordConsentChange(tx, scope, {
        contactId,
        scope: 'marketing',
        state: 'stopped',
        method: 'platform',
        wamid: status.id,
        occurredAt: parseMetaTime(status.timestamp, scope.receivedAt),
        reason: 'Meta failed a marketing template with 131050',
      })
    }
  }
}

async function applyErrors(tx: Tx, scope: ChangeScope, value: ChangeValue) {
  for (const [index, error] of (value.errors ?? []).entries()) {
    await insertPlatformError(tx, {
      workspaceId: scope.workspaceId,
      webhookEventId: scope.eventId,
      position: `${scope.position}.${index}`,
      code: error.code,
      title: error.title ?? error.message ?? null,
      details: error.error_data?.details ?? null,
    })
  }
}

async function applyPreferences(tx: Tx, scope: ChangeScope, value: ChangeValue) {
  for (const preference of value.user_preferences ?? []) {
    const ids = { phone: preference.wa_id, bsuid: preference.user_id }
    const contactId = await resolveContact(tx, scope, identityOf(value.contacts, ids))
    if (contactId === undefined) continue
    const occurredAt = parseMetaTime(preference.timestamp, scope.receivedAt)
    const isNew = await insertPreferenceUpdate(tx, {
      workspaceId: scope.workspaceId,
      contactId,
      category: preference.category,
      value: preference.value,
      occurredAt,
    })
    const state = PREFERENCE_STATES[preference.value]
    if (!isNew || preference.category !== 'marketing_messages' || state === undefined) continue
    await recordConsentChange(tx, scope, {
      contactId,
      scope: 'marketing',
      state,
      method: 'platform',
      occurredAt,
    })
  }
}
