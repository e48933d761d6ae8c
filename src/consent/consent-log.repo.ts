import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { apiKeys, consentEvents, contacts, users, type ConsentMethod } from '../db/schema.js'

/** What the consent log is narrowed by; every given filter must match. */
export interface ConsentLogFilter {
  readonly from?: Date | undefined
  readonly to?: Date | undefined
  readonly method?: ConsentMethod | undefined
  readonly contactId?: string | undefined
  /** Resume after this entry (keyset: occurred_at desc, id desc). */
  readonly after?: { readonly at: string; readonly id: string } | undefined
  readonly limit: number
}

const exactTime = sql<string>`to_char(${consentEvents.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

/**
 * Consent log entries, newest first, with the contact's name and phone (while the contact
 * exists) and the acting user's email or API key's name. Returns limit + 1 rows at most.
 */
export async function listConsentEvents(tx: Tx, filter: ConsentLogFilter) {
  return tx
    .select({
      id: consentEvents.id,
      position: exactTime,
      occurredAt: consentEvents.occurredAt,
      recordedAt: consentEvents.createdAt,
      contactId: consentEvents.contactId,
      contactName: contacts.profileName,
      contactPhoneEnc: contacts.phoneEnc,
      scope: consentEvents.scope,
      method: consentEvents.method,
      keyword: consentEvents.keyword,
      language: consentEvents.language,
      wamid: consentEvents.wamid,
      actorUserId: consentEvents.actorUserId,
      actorEmail: users.email,
      actorApiKeyId: consentEvents.actorApiKeyId,
      actorApiKeyName: apiKeys.name,
      reason: consentEvents.reason,
      previousState: consentEvents.previousState,
      newState: consentEvents.newState,
      superseded: consentEvents.superseded,
    })
    .from(consentEvents)
    .leftJoin(contacts, eq(contacts.id, consentEvents.contactId))
    .leftJoin(users, eq(users.id, consentEvents.actorUserId))
    .leftJoin(apiKeys, eq(apiKeys.id, consentEvents.actorApiKeyId))
    .where(and(...conditions(filter)))
    .orderBy(desc(consentEvents.occurredAt), desc(consentEvents.id))
    .limit(filter.limit + 1)
}

function conditions(filter: ConsentLogFilter): (SQL | undefined)[] {
  const { from, to, method, contactId, after } = filter
  return [
    from && gte(consentEvents.occurredAt, from),
    to && lt(consentEvents.occurredAt, to),
    method && eq(consentEvents.method, method),
    contactId === undefined ? undefined : eq(consentEvents.contactId, contactId),
    after &&
      sql`(${consentEvents.occurredAt}, ${consentEvents.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`,
  ]
}

/** One consent log entry as listed. */
export type ConsentLogRow = Awaited<ReturnType<typeof listConsentEvents>>[number]
