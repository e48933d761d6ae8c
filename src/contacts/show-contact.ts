import type { FieldCipher } from '../crypto/field-cipher.js'
import type { Touch } from '../db/schema.js'
import { isUuid, type Tx } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { findContactRow, type ContactRow } from './contacts-read.repo.js'

/** An ad referral as the API shows it, both as a contact's source and on a message. */
export function referralJson(touch: Touch) {
  return {
    type: touch.sourceType ?? null,
    adId: touch.sourceId ?? null,
    url: touch.sourceUrl ?? null,
    headline: touch.headline ?? null,
    body: touch.body ?? null,
    mediaType: touch.mediaType ?? null,
    ctwaClid: touch.ctwaClid ?? null,
  }
}

/** A contact as the API shows it: phone decrypted, the first touch as `source`. */
export function contactJson(row: ContactRow, cipher: FieldCipher) {
  const { firstTouch, firstTouchAt } = row
  return {
    id: row.id,
    name: row.profileName,
    customName: row.customName,
    username: row.username,
    phone: row.phoneEnc ? cipher.decrypt(row.phoneEnc) : null,
    bsuid: row.bsuid,
    countryCode: row.countryCode,
    source: firstTouch
      ? { ...referralJson(firstTouch), at: firstTouchAt?.toISOString() ?? null }
      : null,
    lastInboundAt: row.lastInboundAt?.toISOString() ?? null,
    consent: consentJson(row),
    createdAt: row.createdAt.toISOString(),
  }
}

/** A contact's consent as the API shows it: both states and when each last changed. */
export function consentJson(
  row: Pick<ContactRow, 'consentState' | 'consentAt' | 'marketingState' | 'marketingAt'>,
) {
  return {
    state: row.consentState,
    changedAt: row.consentAt?.toISOString() ?? null,
    marketing: row.marketingState,
    marketingChangedAt: row.marketingAt?.toISOString() ?? null,
  }
}

/** The contact with this id, or not_found (also for ids that are not UUIDs). */
export async function loadContactRow(tx: Tx, id: string): Promise<ContactRow> {
  // Row-level security hides other workspaces' contacts, so theirs and nobody's look the same.
  const row = isUuid(id) ? await findContactRow(tx, id) : undefined
  if (!row) throw new AppError('not_found')
  return row
}

/** One contact of the workspace as the API shows it. */
export async function showContact(tx: Tx, cipher: FieldCipher, id: string) {
  return contactJson(await loadContactRow(tx, id), cipher)
}
