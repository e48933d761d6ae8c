import type { Tx } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import type { ChangeValue, InboundMessage } from '../whatsapp/cloud-api.js'
import { toE164 } from '../contacts/phone.js'
import { MARKETING_STOPPED } from '../outbound/error-classes.js'
import { classifyConsent } from './rules.js'
import { isOptOutButton, type WorkspaceConsent } from './settings.js'
import { lockContactsFor } from './consent.repo.js'

/** True when processing this message may change the sender's consent. */
export function mayChangeConsent(message: InboundMessage, consent: WorkspaceConsent): boolean {
  if (message.type === 'button' && message.button) return isOptOutButton(consent, message.button)
  const body = message.type === 'text' ? message.text?.body : undefined
  return body !== undefined && classifyConsent(body, consent.lists).intent !== 'none'
}

type Ids = { phone?: string | undefined; bsuid?: string | undefined }

// Everyone a change may record consent for: keyword and button senders, 131050 recipients,
// user_preferences.
function consentPeople(value: ChangeValue, consent: WorkspaceConsent): Ids[] {
  const senders = (value.messages ?? [])
    .filter((m) => mayChangeConsent(m, consent))
    .map((m) => ({ phone: m.from, bsuid: m.from_user_id }))
  const stopped = (value.statuses ?? [])
    .filter((s) => s.errors?.some((e) => e.code === MARKETING_STOPPED))
    .map((s) => ({ phone: s.recipient_id, bsuid: s.recipient_user_id }))
  const preferences = (value.user_preferences ?? []).map((p) => ({
    phone: p.wa_id,
    bsuid: p.user_id,
  }))
  return [...senders, ...stopped, ...preferences]
}

/**
 * Locks, first in a processing transaction, the existing contacts whose consent its changes
 * may record. Without this, an earlier message of the same batch touches the contact's
 * conversation before the consent change locks the contact, the reverse of queueSend's order:
 * a deadlock with any send being queued to that person.
 */
export async function lockConsentContacts(
  tx: Tx,
  scope: { readonly cipher: FieldCipher; readonly consent: WorkspaceConsent },
  values: readonly ChangeValue[],
): Promise<void> {
  const people = values.flatMap((value) => consentPeople(value, scope.consent))
  const phones = people.flatMap((p) => toE164(p.phone) ?? [])
  await lockContactsFor(tx, {
    phoneIndexes: [...new Set(phones.flatMap((p) => scope.cipher.blindIndexes(p)))],
    bsuids: [...new Set(people.flatMap((p) => p.bsuid ?? []))],
  })
}
