import type { InboundMessage, Referral, WebhookError } from '../whatsapp/cloud-api.js'
import type { MessageFailure, Touch } from '../db/schema.js'

/** Message types Parley understands; anything else is stored as `unsupported` with its raw JSON. */
export const KNOWN_TYPES = new Set([
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'unsupported',
  'request_welcome',
])

const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const
/** Types whose payload is a downloadable media object. */
export type MediaType = (typeof MEDIA_TYPES)[number]

/** What Parley records of one inbound message, derived from Meta's object alone. */
export interface InboundSummary {
  type: string
  unsupportedType: string | undefined
  sentAt: Date
  text: string | undefined
  media: { id: string; mimeType: string | undefined; type: MediaType } | undefined
  contextWamid: string | undefined
  context: Record<string, unknown> | undefined
  referral: Touch | undefined
  failure: MessageFailure | undefined
}

// Meta stamps an event before it sends it: a time more than a day past its arrival is not a
// clock's drift but an impossible value (10^20 seconds is not even a valid Date).
const LATEST_AFTER_RECEIPT_MS = 24 * 60 * 60 * 1000

/**
 * Meta's timestamps are Unix seconds as strings; a missing, broken or impossible one falls back
 * to `receivedAt`.
 */
export function parseMetaTime(value: string | number | undefined, receivedAt: Date): Date {
  const ms = Number(value) * 1000
  const latest = receivedAt.getTime() + LATEST_AFTER_RECEIPT_MS
  return value !== undefined && ms > 0 && ms <= latest ? new Date(ms) : receivedAt
}

/** The failure Meta attached to a message or status, from the first `errors[]` entry. */
export function failureOf(errors: WebhookError[] | undefined): MessageFailure | undefined {
  const [first] = errors ?? []
  if (first === undefined) return undefined
  const details = first.error_data?.details
  return { code: first.code, title: first.title ?? first.message, ...(details && { details }) }
}

// The attribution fields of a click-to-WhatsApp `referral` (stored even in privacy mode).
function touchOf(referral: Referral | undefined): Touch | undefined {
  if (referral === undefined) return undefined
  const touch: Touch = {
    sourceType: referral.source_type,
    sourceId: referral.source_id,
    sourceUrl: referral.source_url,
    headline: referral.headline,
    body: referral.body,
    mediaType: referral.media_type,
    imageUrl: referral.image_url,
    videoUrl: referral.video_url,
    ctwaClid: referral.ctwa_clid,
  }
  // Only the fields Meta sent: absent ones stay out of the stored JSON.
  return Object.fromEntries(Object.entries(touch).filter(([, value]) => value !== undefined))
}

function textOf(m: InboundMessage): string | undefined {
  const media = MEDIA_TYPES.map((t) => m[t]).find((x) => x !== undefined)
  const reply = m.interactive?.button_reply ?? m.interactive?.list_reply
  return (
    m.text?.body ??
    media?.caption ??
    m.button?.text ??
    reply?.title ??
    m.interactive?.nfm_reply?.body ??
    m.order?.text ??
    m.system?.body ??
    (m.location && [m.location.name, m.location.address].filter(Boolean).join(', ')) ??
    undefined
  )
}

function mediaOf(m: InboundMessage): InboundSummary['media'] {
  for (const type of MEDIA_TYPES) {
    const media = m[type]
    if (m.type === type && media?.id) return { id: media.id, mimeType: media.mime_type, type }
  }
  return undefined
}

function contextOf(m: InboundMessage): Record<string, unknown> | undefined {
  if (m.context === undefined) return undefined
  const { id: _id, ...rest } = m.context
  return Object.keys(rest).length > 0 ? rest : undefined
}

/** Maps one inbound message to what Parley stores; unknown types become `unsupported`. */
export function summariseInbound(m: InboundMessage, receivedAt: Date): InboundSummary {
  const known = KNOWN_TYPES.has(m.type)
  return {
    type: known ? m.type : 'unsupported',
    unsupportedType: known ? (m.type === 'unsupported' ? m.unsupported?.type : undefined) : m.type,
    sentAt: parseMetaTime(m.timestamp, receivedAt),
    text: textOf(m) || undefined,
    media: mediaOf(m),
    contextWamid: m.context?.id,
    context: contextOf(m),
    referral: touchOf(m.referral),
    failure: failureOf(m.errors),
  }
}
