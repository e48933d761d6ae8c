import type { FieldCipher } from '../crypto/field-cipher.js'
import type { SendContent } from '../outbound/content.js'
import { displayText } from '../outbound/content.js'
import { readableTime } from '../console/readable-time.js'
import { deliveryWords, PAUSED_WORDS, skipWords } from './delivery-words.js'
import { shownWords } from './unstored-words.js'
import type { ThreadMessageRow, UnsentSendRow } from './thread.repo.js'

/** A message's media as the thread shows it: a player or picture when stored, else why not. */
export interface MediaView {
  readonly kind: 'image' | 'audio' | 'video' | 'file'
  readonly url: string | null
  readonly note: string | null
}

const MEDIA_KINDS: Readonly<Record<string, MediaView['kind']>> = {
  image: 'image',
  sticker: 'image',
  audio: 'audio',
  video: 'video',
  document: 'file',
}

// Why a media file cannot be shown, by its download state.
const MEDIA_NOTES: Readonly<Record<string, string>> = {
  pending: 'Downloading…',
  failed: 'The file could not be downloaded from WhatsApp',
  too_large: 'The file is larger than WhatsApp allows for its type',
  withheld: 'Not kept: this workspace does not store message content',
}

function mediaOf(row: ThreadMessageRow): MediaView | null {
  const kind = MEDIA_KINDS[row.type]
  if (kind === undefined || row.mediaState === null) return null
  const stored = row.mediaState === 'stored'
  return {
    kind,
    url: stored ? `/media/${row.id}` : null,
    note: stored ? null : (MEDIA_NOTES[row.mediaState] ?? null),
  }
}

/** What a quoted message looked like, for a reply shown under what it answers. */
export interface Quote {
  readonly who: string
  readonly text: string
}

/** One entry of the thread, a message or a send that has no message (yet). */
export interface ThreadEntry {
  readonly key: string
  readonly direction: 'inbound' | 'outbound'
  readonly at: string
  readonly time: string
  readonly text: string | null
  readonly typeLabel: string | null
  readonly media: MediaView | null
  readonly quote: Quote | null
  readonly reactions: readonly string[]
  /** Outbound only: the delivery state in words. */
  readonly delivery: string | null
  readonly failed: boolean
  readonly pending: boolean
}

/** What the thread needs besides the rows: the cipher, quotes and reactions by wamid. */
/** How the thread is shown: decrypted, on the workspace's clock, and whether sending is paused. */
export interface ThreadLook {
  readonly cipher: FieldCipher
  readonly timeZone: string
  /** A queued send then says it waits for the pause to end, not that it is being sent. */
  readonly sendingPaused: boolean
}

export interface EntryContext extends ThreadLook {
  readonly quotes: ReadonlyMap<string, Quote>
  readonly reactions: ReadonlyMap<string, readonly string[]>
}

function typeLabelOf(row: ThreadMessageRow): string | null {
  if (row.type === 'text') return null
  if (row.type === 'unsupported') return `Unsupported message (${row.unsupportedType ?? 'unknown'})`
  return row.type
}

/** A stored message as a thread entry. */
export function messageEntry(row: ThreadMessageRow, context: EntryContext): ThreadEntry {
  const outbound = row.direction === 'outbound'
  return {
    key: `m-${row.id}`,
    direction: row.direction,
    at: row.sentAt.toISOString(),
    time: readableTime(row.sentAt, context.timeZone),
    text: shownWords(row.type, row.textEnc ? context.cipher.decrypt(row.textEnc) : null),
    typeLabel: typeLabelOf(row),
    media: mediaOf(row),
    quote: row.contextWamid ? (context.quotes.get(row.contextWamid) ?? null) : null,
    reactions: context.reactions.get(row.wamid) ?? [],
    delivery: outbound ? deliveryWords(row.status, row.failure) : null,
    failed: row.status === 'failed',
    pending: false,
  }
}

function sendText(row: UnsentSendRow, cipher: FieldCipher): string | null {
  if (!row.contentEnc) return shownWords(row.kind, null)
  return displayText(JSON.parse(cipher.decrypt(row.contentEnc)) as SendContent)
}

function sendDelivery(row: UnsentSendRow, sendingPaused: boolean): string {
  if (row.state === 'skipped') return skipWords(row.skipReason)
  if (row.state === 'queued' && sendingPaused) return PAUSED_WORDS
  return deliveryWords(row.state, row.lastError)
}

/** A send without its own message (queued, refused, failed or cut off) as a thread entry. */
export function sendEntry(row: UnsentSendRow, look: ThreadLook): ThreadEntry {
  const pending = row.state === 'queued' || row.state === 'sending'
  return {
    key: `s-${row.id}`,
    direction: 'outbound',
    at: row.createdAt.toISOString(),
    time: readableTime(row.createdAt, look.timeZone),
    text: sendText(row, look.cipher),
    typeLabel: row.kind === 'text' ? null : row.kind,
    media: null,
    quote: null,
    reactions: [],
    delivery: sendDelivery(row, look.sendingPaused),
    failed: !pending,
    pending,
  }
}
