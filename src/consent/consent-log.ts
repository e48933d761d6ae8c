import type { FieldCipher } from '../crypto/field-cipher.js'
import { CONSENT_METHODS, type ConsentMethod } from '../db/schema.js'
import { isUuid, type Tx } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { parseDayRange } from '../http/day-bounds.js'
import { decodeCursor, encodeCursor, pageLimit } from '../contacts/pagination.js'
import { listConsentEvents, type ConsentLogRow } from './consent-log.repo.js'

/** The consent log query as it arrives from a URL. */
export interface ConsentLogQuery {
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly method?: string | undefined
  /** Only this contact's entries (the contact page). */
  readonly contactId?: string | undefined
  readonly limit?: string | undefined
  readonly cursor?: string | undefined
  /** The workspace's zone: a bare `from`/`to` date is that day on its clock. */
  readonly timeZone: string
}

function parseMethod(raw: string | undefined): ConsentMethod | undefined {
  if (raw === undefined || raw === '') return undefined
  if (!(CONSENT_METHODS as readonly string[]).includes(raw)) {
    throw new AppError('validation_failed', `method must be one of ${CONSENT_METHODS.join(', ')}`)
  }
  return raw as ConsentMethod
}

function parseContactId(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  if (!isUuid(raw)) throw new AppError('validation_failed', 'contactId must be a contact id')
  return raw
}

/** One consent log entry as the API, the console and the CSV show it. */
export function consentEntryJson(row: ConsentLogRow, cipher: FieldCipher) {
  return {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
    contact: row.contactId
      ? {
          id: row.contactId,
          name: row.contactName,
          phone: row.contactPhoneEnc ? cipher.decrypt(row.contactPhoneEnc) : null,
        }
      : null,
    scope: row.scope,
    method: row.method,
    keyword: row.keyword,
    language: row.language,
    wamid: row.wamid,
    actor: actorOf(row),
    reason: row.reason,
    previousState: row.previousState,
    newState: row.newState,
    superseded: row.superseded,
  }
}

/** A consent log entry as consentEntryJson gives it. */
export type ConsentEntry = ReturnType<typeof consentEntryJson>

function actorOf(row: ConsentLogRow) {
  if (row.actorUserId) return { type: 'user', id: row.actorUserId, name: row.actorEmail }
  if (row.actorApiKeyId)
    return { type: 'api_key', id: row.actorApiKeyId, name: row.actorApiKeyName }
  return { type: 'contact', id: null, name: null }
}

/** One page of the consent log, newest first, filtered by time window, method and contact. */
export async function readConsentLog(
  tx: Tx,
  cipher: FieldCipher,
  query: ConsentLogQuery,
  sizes = { fallback: 100, max: 1000 },
) {
  const limit = pageLimit(query.limit, sizes)
  const after = decodeCursor(query.cursor)
  const rows = await listConsentEvents(tx, {
    ...parseDayRange(query, query.timeZone),
    method: parseMethod(query.method),
    contactId: parseContactId(query.contactId),
    after: after?.at ? { at: after.at, id: after.id } : undefined,
    limit,
  })
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    data: page.map((row) => consentEntryJson(row, cipher)),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ at: last.position, id: last.id }) : null,
  }
}
