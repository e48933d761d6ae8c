import type { ChangeValue } from '../whatsapp/cloud-api.js'

/** One `entry[].changes[]` item, with its place in the POST for error reports. */
export interface EnvelopeChange {
  readonly position: string
  readonly field: string
  readonly value: ChangeValue
}

/** An event that can never be processed as it is (retrying would not help). */
export class MalformedEventError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Every change of every entry (Meta batches up to 1000 updates per POST; all are processed).
 * Throws MalformedEventError when the body is not a WhatsApp Business Account envelope.
 */
export function changesOf(payload: unknown): EnvelopeChange[] {
  if (!isRecord(payload) || !Array.isArray(payload.entry)) {
    throw new MalformedEventError('not a webhook envelope: "entry" is not a list')
  }
  return payload.entry.flatMap((entry: unknown, e) => {
    if (!isRecord(entry) || !Array.isArray(entry.changes)) {
      throw new MalformedEventError(`entry ${e} has no "changes" list`)
    }
    return entry.changes.map((change: unknown, c): EnvelopeChange => {
      if (!isRecord(change) || typeof change.field !== 'string' || !isRecord(change.value)) {
        throw new MalformedEventError(`entry ${e} change ${c} has no "field" or "value"`)
      }
      const value = change.value as ChangeValue
      return { position: `${e}.${c}`, field: change.field, value }
    })
  })
}

/** The business numbers these changes are addressed to, each once. */
export function phoneNumberIdsIn(changes: readonly EnvelopeChange[]): string[] {
  const ids = changes.map((change) => change.value.metadata?.phone_number_id)
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))]
}

/** The business numbers an envelope is addressed to; tolerant of any shape (used before storing). */
export function phoneNumberIdsOf(payload: unknown): string[] {
  try {
    return phoneNumberIdsIn(changesOf(payload))
  } catch {
    return []
  }
}
