import { readableTime } from '../console/readable-time.js'
import type { listAuditEntries } from './audit-log.repo.js'
import type { AuditRecordTargets } from './audit-records.repo.js'

type AuditRow = Awaited<ReturnType<typeof listAuditEntries>>[number]

/** Words, and the page they lead to when there is one. */
export interface LinkedText {
  readonly text: string
  readonly href?: string | undefined
}

// Details hold short strings and numbers; anything nested is shown as JSON rather than dropped.
function detailsLine(details: Record<string, unknown>): string {
  const shown = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value)
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${shown(value)}`)
    .join(' · ')
}

function whoOf(row: AuditRow): LinkedText {
  if (row.actorType === 'system') return { text: 'system' }
  if (row.actorType === 'api_key') return { text: `API key ${row.actorName ?? '(deleted)'}` }
  return { text: row.actorName ?? 'a former user', href: row.actorId ? '/users' : undefined }
}

/**
 * The record an entry is about, under its name and linked to its page while it exists: a contact
 * to its page, a send to its conversation, a user to Users. Anything else shows its type and id.
 */
function recordOf(row: AuditRow, targets: AuditRecordTargets): LinkedText {
  const raw = [row.recordType, row.recordId].filter(Boolean).join(' ')
  const target = targets.get(`${row.recordType ?? ''}:${row.recordId ?? ''}`)
  if (!target) return { text: raw }
  if (row.recordType === 'contact') {
    return { text: `contact ${target.name}`, href: `/contacts/${row.recordId ?? ''}` }
  }
  if (row.recordType === 'send') {
    const href = target.conversationId && `/conversations/${target.conversationId}`
    return { text: `send to ${target.name}`, href }
  }
  if (row.recordType === 'user') return { text: `user ${target.name}`, href: '/users' }
  return { text: raw }
}

/** An audit entry as the audit log table shows it, on the workspace's clock. */
export function auditEntryView(row: AuditRow, timeZone: string, targets: AuditRecordTargets) {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    time: readableTime(row.at, timeZone, { seconds: true }),
    who: whoOf(row),
    ip: row.ip,
    action: row.action,
    record: recordOf(row, targets),
    details: detailsLine(row.details),
  }
}
