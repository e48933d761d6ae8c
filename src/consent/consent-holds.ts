import type { FieldCipher } from '../crypto/field-cipher.js'
import { toE164 } from '../contacts/phone.js'
import { classifyConsent } from './rules.js'
import { bsuidHash } from './record-consent.js'
import type { WorkspaceConsent } from './settings.js'
import type { ConsentHold } from './consent-holds.repo.js'

/** The workspace a business number belongs to, and its consent words. */
export interface HoldRoute {
  readonly workspaceId: string
  readonly consent: WorkspaceConsent
}

/** Who a person is for holds: their phone's blind index and their BSUID's hash, as the log keys them. */
export function identityHashes(
  cipher: FieldCipher,
  ids: { readonly phone?: string | null | undefined; readonly bsuid?: string | null | undefined },
): string[] {
  const phone = toE164(ids.phone)
  return [
    ...(phone === undefined ? [] : [cipher.blindIndex(phone)]),
    ...(ids.bsuid ? [bsuidHash(cipher, ids.bsuid)] : []),
  ]
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/**
 * The opt-out keywords in a verified webhook body, decided before it is stored (the same words
 * and lists processing uses). Tolerant of any shape: a body Parley cannot read holds nothing.
 */
export function holdsIn(
  payload: unknown,
  routes: ReadonlyMap<string, HoldRoute>,
  cipher: FieldCipher,
): ConsentHold[] {
  const holds: ConsentHold[] = []
  const entries = isRecord(payload) ? listOf(payload.entry) : []
  for (const change of entries.flatMap((e) => (isRecord(e) ? listOf(e.changes) : []))) {
    if (!isRecord(change) || change.field !== 'messages' || !isRecord(change.value)) continue
    const metadata = change.value.metadata
    const route = isRecord(metadata) ? routes.get(String(metadata.phone_number_id)) : undefined
    if (route === undefined) continue
    for (const message of listOf(change.value.messages)) {
      holds.push(...holdsOf(message, route, cipher))
    }
  }
  return holds
}

function holdsOf(message: unknown, route: HoldRoute, cipher: FieldCipher): ConsentHold[] {
  if (!isRecord(message) || message.type !== 'text' || typeof message.id !== 'string') return []
  const wamid = message.id
  const body = isRecord(message.text) ? message.text.body : undefined
  if (typeof body !== 'string') return []
  if (classifyConsent(body, route.consent.lists).intent !== 'opt_out') return []
  const ids = {
    phone: typeof message.from === 'string' ? message.from : undefined,
    bsuid: typeof message.from_user_id === 'string' ? message.from_user_id : undefined,
  }
  const { workspaceId } = route
  return identityHashes(cipher, ids).map((identityHash) => ({ workspaceId, identityHash, wamid }))
}
