import type { Tx } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { toE164 } from './phone.js'
import { inheritConsent } from '../consent/consent.repo.js'
import { bsuidHashes } from '../consent/record-consent.js'
import {
  findContactByBsuid,
  findContactByPhoneIndexes,
  insertContact,
  mergeContactInto,
  updateContact,
  type ContactIdentityRow,
} from './contacts.repo.js'

/** What an event says about who the contact is. Either id may be missing (2026: usernames). */
export interface ContactIdentity {
  bsuid?: string | undefined
  parentBsuid?: string | undefined
  phone?: string | undefined
  profileName?: string | undefined
  username?: string | undefined
  countryCode?: string | undefined
}

/** The workspace the transaction is bound to, and the cipher for phone numbers. */
export interface ContactScope {
  readonly workspaceId: string
  readonly cipher: FieldCipher
}

function profileFields(identity: ContactIdentity) {
  return {
    ...(identity.profileName && { profileName: identity.profileName }),
    ...(identity.username && { username: identity.username }),
    ...(identity.countryCode && { countryCode: identity.countryCode }),
    ...(identity.parentBsuid && { parentBsuid: identity.parentBsuid }),
  }
}

/**
 * Finds or creates the one contact for this identity. A contact is keyed by BSUID and/or phone;
 * when an event carries both and they point at two records, the phone record is merged into
 * the BSUID record, so a person is never two contacts. Returns undefined with no id at all.
 */
export async function resolveContact(
  tx: Tx,
  scope: ContactScope,
  identity: ContactIdentity,
): Promise<string | undefined> {
  const { cipher } = scope
  const phone = toE164(identity.phone)
  const bsuid = identity.bsuid || undefined
  if (phone === undefined && bsuid === undefined) return undefined
  const byBsuid = bsuid ? await findContactByBsuid(tx, bsuid) : undefined
  const byPhone = phone
    ? await findContactByPhoneIndexes(tx, cipher.blindIndexes(phone))
    : undefined
  if (byBsuid && byPhone && byBsuid.id !== byPhone.id) {
    await mergeContactInto(tx, byPhone.id, byBsuid.id)
    byBsuid.phoneIndex = null
  }
  const existing = byBsuid ?? byPhone
  if (existing === undefined) return createContact(tx, scope, { ...identity, phone, bsuid })
  const changes = {
    ...changedProfile(existing, identity),
    ...missingIds(existing, { bsuid, phone }, cipher),
  }
  // Most messages come from a known contact with the same profile: no write, no row lock.
  if (Object.keys(changes).length > 0) await updateContact(tx, existing.id, changes)
  if ('bsuid' in changes || 'phoneIndex' in changes) {
    await inheritConsent(tx, existing.id, consentHashes(cipher, { phone, bsuid }))
  }
  return existing.id
}

function changedProfile(existing: ContactIdentityRow, identity: ContactIdentity) {
  const profile: Partial<ContactIdentityRow> = profileFields(identity)
  const keys = Object.keys(profile) as (keyof typeof profile)[]
  return Object.fromEntries(
    keys.filter((key) => profile[key] !== existing[key]).map((key) => [key, profile[key]]),
  )
}

function missingIds(
  existing: ContactIdentityRow,
  ids: { bsuid: string | undefined; phone: string | undefined },
  cipher: FieldCipher,
) {
  return {
    ...(existing.bsuid === null && ids.bsuid && { bsuid: ids.bsuid }),
    ...(existing.phoneIndex === null &&
      ids.phone && {
        phoneEnc: cipher.encrypt(ids.phone),
        phoneIndex: cipher.blindIndex(ids.phone),
      }),
  }
}

async function createContact(tx: Tx, scope: ContactScope, identity: ContactIdentity) {
  const { phone, bsuid } = identity
  const { cipher } = scope
  const id = await insertContact(tx, {
    workspaceId: scope.workspaceId,
    bsuid: bsuid ?? null,
    phoneEnc: phone ? cipher.encrypt(phone) : null,
    phoneIndex: phone ? cipher.blindIndex(phone) : null,
    ...profileFields(identity),
  })
  // A concurrent event created the same person first: its record is the one.
  if (id === undefined) return resolveContact(tx, scope, identity)
  await inheritConsent(tx, id, consentHashes(cipher, { phone, bsuid }))
  return id
}

// The keys an erased contact's consent log entries are found under.
function consentHashes(
  cipher: FieldCipher,
  ids: { phone?: string | undefined; bsuid?: string | undefined },
) {
  return {
    phone: ids.phone ? cipher.blindIndexes(ids.phone) : [],
    bsuid: ids.bsuid ? bsuidHashes(cipher, ids.bsuid) : [],
  }
}
