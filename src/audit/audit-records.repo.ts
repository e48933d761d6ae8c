import { eq, inArray } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { contacts, conversations, sends, users } from '../db/schema.js'
import { displayNameOf } from '../contacts/profile-rules.js'

/** What an audit entry's record is now: its name, and the conversation a send or contact is in. */
export interface AuditRecordTarget {
  readonly name: string
  readonly conversationId?: string | undefined
}

/** The records named by a page of audit entries, keyed `type:id`; records now gone are absent. */
export type AuditRecordTargets = ReadonlyMap<string, AuditRecordTarget>

// record_id is free text (a job may name anything); only uuids can be a row's id.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function idsOf(
  records: readonly { recordType: string | null; recordId: string | null }[],
  type: string,
) {
  const ids = records
    .filter((record) => record.recordType === type && record.recordId && UUID.test(record.recordId))
    .map((record) => record.recordId ?? '')
  return [...new Set(ids)]
}

/** Looks up, in the transaction's workspace, the contacts, users and sends a page of entries names. */
export async function loadAuditRecordTargets(
  tx: Tx,
  records: readonly { recordType: string | null; recordId: string | null }[],
): Promise<AuditRecordTargets> {
  const targets = new Map<string, AuditRecordTarget>()
  const contactIds = idsOf(records, 'contact')
  const sendIds = idsOf(records, 'send')
  const userIds = idsOf(records, 'user')
  const names = {
    customName: contacts.customName,
    profileName: contacts.profileName,
    username: contacts.username,
  }
  if (contactIds.length > 0) {
    const rows = await tx
      .select({ id: contacts.id, ...names })
      .from(contacts)
      .where(inArray(contacts.id, contactIds))
    for (const row of rows) targets.set(`contact:${row.id}`, { name: displayNameOf(row) })
  }
  if (sendIds.length > 0) {
    const rows = await tx
      .select({ id: sends.id, conversationId: conversations.id, ...names })
      .from(sends)
      .innerJoin(contacts, eq(contacts.id, sends.contactId))
      .leftJoin(conversations, eq(conversations.contactId, sends.contactId))
      .where(inArray(sends.id, sendIds))
    for (const row of rows) {
      const target = { name: displayNameOf(row), conversationId: row.conversationId ?? undefined }
      targets.set(`send:${row.id}`, target)
    }
  }
  if (userIds.length > 0) {
    const rows = await tx
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(inArray(users.id, userIds))
    for (const row of rows) targets.set(`user:${row.id}`, { name: row.name })
  }
  return targets
}
