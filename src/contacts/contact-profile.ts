import type { FieldCipher } from '../crypto/field-cipher.js'
import type { Role } from '../db/schema.js'
import type { Tx } from '../db/tenant.js'
import { readableTime } from '../console/readable-time.js'
import { masksPhonesFor } from '../inbox/settings.js'
import { loadWorkspaceSettings } from '../workspaces/workspaces.repo.js'
import type { ContactRow } from './contacts-read.repo.js'
import { listContactLabels, listContactNotes } from './contact-profile.repo.js'
import { shownPhone } from './phone.js'
import { displayNameOf } from './profile-rules.js'
import { consentJson, loadContactRow, type contactJson } from './show-contact.js'

/** Where the contact first came from: the click-to-WhatsApp ad of their first message. */
export interface FirstTouch {
  readonly headline: string | null
  readonly url: string | null
  /** The url when it is safe to link to (http or https), else null. */
  readonly href: string | null
  readonly adId: string | null
  readonly type: string | null
  /** ISO time, and the same for people to read. */
  readonly at: string | null
  readonly time: string | null
}

/** An internal note, decrypted for the panel. */
export interface ContactNote {
  readonly id: string
  readonly authorName: string
  readonly at: string
  readonly time: string
  readonly body: string
}

/** Everything the contact panel shows. */
export interface ContactProfile {
  readonly id: string
  /** The agents' name, else the WhatsApp profile name, else the username, else 'Unnamed contact'. */
  readonly displayName: string
  readonly hasCustomName: boolean
  readonly customName: string | null
  readonly profileName: string | null
  /** E.164, or masked (+91 ••••• 43210) when the viewer must not see it; null when unknown. */
  readonly phone: string | null
  readonly phoneMasked: boolean
  readonly source: FirstTouch | null
  readonly labels: readonly string[]
  readonly notes: readonly ContactNote[]
  readonly consent: ReturnType<typeof consentJson>
}

function firstTouchOf(row: ContactRow, timeZone: string): FirstTouch | null {
  const touch = row.firstTouch
  if (!touch) return null
  const { firstTouchAt } = row
  return {
    headline: touch.headline ?? null,
    url: touch.sourceUrl ?? null,
    // The url comes from the ad, via Meta: a javascript: or data: url must not become a link.
    href: touch.sourceUrl && /^https?:\/\//i.test(touch.sourceUrl) ? touch.sourceUrl : null,
    adId: touch.sourceId ?? null,
    type: touch.sourceType ?? null,
    at: firstTouchAt?.toISOString() ?? null,
    time: firstTouchAt ? readableTime(firstTouchAt, timeZone) : null,
  }
}

/** The contact panel's data for one contact of the workspace, or not_found. */
export async function loadContactProfile(
  tx: Tx,
  cipher: FieldCipher,
  contactId: string,
  options: { maskPhone: boolean; timeZone: string },
): Promise<ContactProfile> {
  const row = await loadContactRow(tx, contactId)
  const labels = await listContactLabels(tx, row.id)
  const notes = await listContactNotes(tx, row.id)
  const phone = row.phoneEnc ? cipher.decrypt(row.phoneEnc) : null
  return {
    id: row.id,
    displayName: displayNameOf(row),
    hasCustomName: row.customName !== null,
    customName: row.customName,
    profileName: row.profileName,
    phone: shownPhone(phone, options.maskPhone),
    phoneMasked: options.maskPhone && phone !== null,
    source: firstTouchOf(row, options.timeZone),
    labels,
    notes: notes.map((note) => ({
      id: note.id,
      authorName: note.authorName,
      at: note.createdAt.toISOString(),
      time: readableTime(note.createdAt, options.timeZone),
      body: cipher.decrypt(note.bodyEnc),
    })),
    consent: consentJson(row),
  }
}

/** True when this viewer must see phone numbers masked (sales, with the workspace setting on). */
export async function shouldMaskPhones(tx: Tx, viewer: { workspaceId: string; role: Role }) {
  return masksPhonesFor(viewer.role, (await loadWorkspaceSettings(tx, viewer.workspaceId)).inbox)
}

/** A row of the console's contact list: display name and the phone as this viewer may see it. */
export function contactListEntry(contact: ReturnType<typeof contactJson>, mask: boolean) {
  return {
    id: contact.id,
    displayName: displayNameOf({ ...contact, profileName: contact.name }),
    phone: shownPhone(contact.phone, mask),
    consent: contact.consent,
  }
}

/** A contact as the API shows it to this viewer: the phone masked when it must be. */
export function withShownPhone(contact: ReturnType<typeof contactJson>, mask: boolean) {
  return { ...contact, phone: shownPhone(contact.phone, mask) }
}
