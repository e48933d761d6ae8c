import type { Tx } from '../db/tenant.js'
import type { ChangeValue, WebhookContact } from '../whatsapp/cloud-api.js'
import { resolveContact, type ContactIdentity } from '../contacts/resolve-contact.js'
import { toE164 } from '../contacts/phone.js'
import { recordInbound, type InboundScope, type MediaToFetch } from '../messages/record-inbound.js'
import { recordStatus } from '../messages/record-status.js'
import { insertPlatformError, insertPreferenceUpdate } from '../messages/messages.repo.js'
import { parseMetaTime } from '../messages/inbound-rules.js'

/** One change's place: the stored event and its entry/change position. */
export interface ChangeScope extends InboundScope {
  readonly eventId: number
  readonly position: string
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
): Promise<MediaToFetch[]> {
  const media = await applyMessages(tx, scope, value)
  await applyStatuses(tx, scope, value)
  await applyErrors(tx, scope, value)
  await applyPreferences(tx, scope, value)
  return media
}

async function applyMessages(tx: Tx, scope: ChangeScope, value: ChangeValue) {
  const media: MediaToFetch[] = []
  for (const message of value.messages ?? []) {
    const ids = { phone: message.from, bsuid: message.from_user_id }
    const contactId = await resolveContact(tx, scope, identityOf(value.contacts, ids))
    const fetch = await recordInbound(tx, scope, message, contactId)
    if (fetch) media.push(fetch)
  }
  return media
}

async function applyStatuses(tx: Tx, scope: ChangeScope, value: ChangeValue) {
  for (const status of value.statuses ?? []) {
    const phone = status.recipient_type === 'group' ? undefined : status.recipient_id
    const ids = { phone, bsuid: status.recipient_user_id }
    const contactId = await resolveContact(tx, scope, identityOf(value.contacts, ids))
    await recordStatus(tx, scope, status, contactId)
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
    await insertPreferenceUpdate(tx, {
      workspaceId: scope.workspaceId,
      contactId,
      category: preference.category,
      value: preference.value,
      occurredAt: parseMetaTime(preference.timestamp, scope.receivedAt),
    })
  }
}
