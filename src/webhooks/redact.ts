import { changesOf } from './envelope.js'
import { isMarkedMalformed, markMalformed } from './item-shapes.js'
import { classifyConsent } from '../consent/rules.js'
import { isOptOutButton, type WorkspaceConsent } from '../consent/settings.js'

/**
 * What survives of a message in privacy mode: identifiers, times, types, reply context and ad
 * attribution. Bodies, captions, file names, titles, locations, shared contacts, reaction emoji
 * and anything Parley does not recognise are removed before anything is written.
 */
const KEPT_MESSAGE_FIELDS = [
  'id',
  'from',
  'from_user_id',
  'from_parent_user_id',
  'timestamp',
  'type',
  'context',
  'referral',
  'errors',
]
const KEPT_CONTENT_FIELDS: Record<string, readonly string[]> = {
  image: ['id', 'mime_type', 'sha256'],
  video: ['id', 'mime_type', 'sha256'],
  audio: ['id', 'mime_type', 'sha256', 'voice'],
  document: ['id', 'mime_type', 'sha256'],
  sticker: ['id', 'mime_type', 'sha256', 'animated'],
  reaction: ['message_id'],
  button: ['payload'],
  interactive: ['type'],
  system: ['type', 'wa_id'],
  unsupported: ['type'],
  order: ['catalog_id'],
}

function pick(source: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof source !== 'object' || source === null) return {}
  const record = source as Record<string, unknown>
  return Object.fromEntries(keys.filter((key) => key in record).map((key) => [key, record[key]]))
}

function redactMessage(
  message: Record<string, unknown>,
  consent: WorkspaceConsent,
): Record<string, unknown> {
  const kept = pick(message, KEPT_MESSAGE_FIELDS)
  const type = typeof message.type === 'string' ? message.type : ''
  const contentFields = KEPT_CONTENT_FIELDS[type]
  if (contentFields !== undefined && type in message)
    kept[type] = pick(message[type], contentFields)
  const keyword = type === 'text' ? consentKeywordOf(message.text, consent) : undefined
  if (keyword !== undefined) kept.text = { body: keyword }
  if (type === 'button' && isOptOutTap(message.button, consent)) kept.button = message.button
  return kept
}

// A STOP or START must still be honoured once the words are gone: the text is replaced by the
// list entry it matched, which classifies the same way when the event is processed.
function consentKeywordOf(text: unknown, consent: WorkspaceConsent): string | undefined {
  const body = (text as { body?: unknown } | null)?.body
  if (typeof body !== 'string') return undefined
  const decision = classifyConsent(body, consent.lists)
  return decision.intent === 'none' ? undefined : decision.keyword
}

// An opt-out button may be known by its label alone, which is content: kept only when it is one.
function isOptOutTap(button: unknown, consent: WorkspaceConsent): boolean {
  const { payload, text } = (button ?? {}) as { payload?: unknown; text?: unknown }
  return isOptOutButton(consent, {
    payload: typeof payload === 'string' ? payload : undefined,
    text: typeof text === 'string' ? text : undefined,
  })
}

/**
 * A copy of the envelope with message content removed from changes addressed to the numbers of
 * `consentByNumber` (workspaces that do not store message content), keeping only consent
 * keywords and opt-out buttons, matched with each workspace's settings; a malformed item of
 * those changes is replaced by its reason. Other changes are left as they are.
 */
export function redactContent(
  payload: unknown,
  consentByNumber: ReadonlyMap<string, WorkspaceConsent>,
): unknown {
  const copy = copyToValues(payload)
  for (const change of changesOf(copy)) {
    const phoneNumberId = change.value.metadata?.phone_number_id
    const consent = phoneNumberId === undefined ? undefined : consentByNumber.get(phoneNumberId)
    if (consent === undefined) continue
    const value = markMalformed(change.value)
    if (Array.isArray(value.messages)) {
      value.messages = value.messages.map((m: unknown) =>
        isMarkedMalformed(m) ? m : redactMessage(m as Record<string, unknown>, consent),
      )
    }
    Object.assign(change.value, value)
  }
  return copy
}

// Copies the envelope down to each change's value, the only level redaction replaces; a deep
// clone would overflow the stack on a body nested 100 000 levels deep.
function copyToValues(payload: unknown): unknown {
  const copyOf = (x: unknown) => (isRecord(x) ? { ...x } : x)
  if (!isRecord(payload) || !Array.isArray(payload.entry)) return payload
  const entry = payload.entry.map((e: unknown) => {
    if (!isRecord(e) || !Array.isArray(e.changes)) return e
    const changes = e.changes.map((c: unknown) =>
      isRecord(c) ? { ...c, value: copyOf(c.value) } : c,
    )
    return { ...e, changes }
  })
  return { ...payload, entry }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
