import type { ChangeValue } from '../whatsapp/cloud-api.js'
import { nestsDeeperThan } from './clean-payload.js'

// No message, status or preference Meta documents nests deeper than this.
const MAX_ITEM_DEPTH = 16

type Item = Record<string, unknown>
/** Why an item cannot be applied, or undefined when it can. */
type Check = (item: Item) => string | undefined

// The lists of a change Parley applies, what one item of each is called, and its check.
const LISTS = {
  messages: { noun: 'message', check: checkMessage },
  statuses: { noun: 'status', check: checkStatus },
  user_preferences: { noun: 'preference', check: checkPreference },
  errors: { noun: 'error', check: checkError },
  contacts: { noun: 'contact', check: checkContact },
} as const satisfies Record<string, { noun: string; check: Check }>

// Content objects of a message Parley reads fields of; a string or list there is not Meta's.
const MESSAGE_OBJECTS = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'unsupported',
  'context',
  'referral',
]

function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const isText = (value: unknown) => typeof value === 'string' && value.length > 0
const optional = (value: unknown, ok: (v: unknown) => boolean) => value === undefined || ok(value)

function wrongField(item: Item, fields: Record<string, (value: unknown) => boolean>) {
  const bad = Object.entries(fields).find(([key, ok]) => !ok(item[key]))
  return bad && `"${bad[0]}" is missing or of the wrong type`
}

const isTime = (value: unknown) => typeof value === 'string' || typeof value === 'number'
const who = {
  from: (v: unknown) => optional(v, isText),
  from_user_id: (v: unknown) => optional(v, isText),
}

function checkMessage(m: Item) {
  const content = MESSAGE_OBJECTS.find((key) => !optional(m[key], isItem))
  if (content !== undefined) return `"${content}" is not an object`
  if (isItem(m.reaction) && !isText(m.reaction.message_id)) return '"reaction" names no message'
  return wrongField(m, {
    id: isText,
    type: isText,
    timestamp: (v) => optional(v, isTime),
    errors: (v) => optional(v, Array.isArray),
    ...who,
  })
}

function checkStatus(s: Item) {
  return wrongField(s, {
    id: isText,
    status: isText,
    timestamp: (v) => optional(v, isTime),
    recipient_id: (v) => optional(v, isText),
    recipient_user_id: (v) => optional(v, isText),
    biz_opaque_callback_data: (v) => optional(v, (x) => typeof x === 'string'),
    errors: (v) => optional(v, Array.isArray),
  })
}

function checkPreference(p: Item) {
  return wrongField(p, {
    category: isText,
    value: isText,
    wa_id: (v) => optional(v, isText),
    user_id: (v) => optional(v, isText),
    timestamp: (v) => optional(v, isTime),
  })
}

function checkError(e: Item) {
  return wrongField(e, {
    code: Number.isInteger,
    title: (v) => optional(v, (x) => typeof x === 'string'),
    message: (v) => optional(v, (x) => typeof x === 'string'),
    error_data: (v) => optional(v, isItem),
  })
}

function checkContact(c: Item) {
  return wrongField(c, {
    wa_id: (v) => optional(v, isText),
    user_id: (v) => optional(v, isText),
    profile: (v) => optional(v, isItem),
  })
}

// The key privacy-mode redaction leaves in place of a malformed item: its reason.
const MALFORMED_AT_INGEST = 'parley_malformed'

function reasonFor(value: unknown, check: Check): string | undefined {
  if (!isItem(value)) return 'is not an object'
  const known = value[MALFORMED_AT_INGEST]
  if (typeof known === 'string') return known
  if (nestsDeeperThan(value, MAX_ITEM_DEPTH)) return `nests deeper than ${MAX_ITEM_DEPTH} levels`
  return check(value)
}

/** A change's value keeping only the items that can be applied, and why the others cannot. */
export interface CheckedChange {
  readonly value: ChangeValue
  readonly malformed: string[]
}

/**
 * Checks each message, status, preference, error and contact of one change on its own, so a
 * malformed item is reported at once while the valid ones beside it are still applied. Reasons
 * name the place and the field, never the content.
 */
export function checkChange(value: ChangeValue, position: string): CheckedChange {
  const kept: Record<string, unknown> = { ...value }
  const malformed: string[] = []
  for (const [list, { noun, check }] of Object.entries(LISTS)) {
    const items: unknown = kept[list]
    if (items === undefined) continue
    if (!Array.isArray(items)) {
      malformed.push(`change ${position}: "${list}" is not a list`)
      kept[list] = []
      continue
    }
    kept[list] = items.filter((item, index) => {
      const reason = reasonFor(item, check)
      if (reason !== undefined) malformed.push(`change ${position} ${noun} ${index}: ${reason}`)
      return reason === undefined
    })
  }
  return { value: kept, malformed }
}

/**
 * A copy of a change's value in which each malformed item of a checked list is replaced by its
 * reason. Privacy mode stores this instead of the item, which may hold content or nest too deep
 * to serialise; processing then reports the reason as it would have.
 */
export function markMalformed(value: Record<string, unknown>): Record<string, unknown> {
  const marked = { ...value }
  for (const [list, { check }] of Object.entries(LISTS)) {
    const items = marked[list]
    if (!Array.isArray(items)) continue
    marked[list] = items.map((item: unknown) => {
      const reason = reasonFor(item, check)
      return reason === undefined ? item : { [MALFORMED_AT_INGEST]: reason }
    })
  }
  return marked
}

/** Whether an item is the reason privacy mode left in place of a malformed one. */
export function isMarkedMalformed(item: unknown): boolean {
  return isItem(item) && typeof item[MALFORMED_AT_INGEST] === 'string'
}
