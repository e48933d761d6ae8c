const KB = 1024
const MB = 1024 * KB

/** Meta refuses inbound media above 100 MB (error 131052), so nothing larger can be genuine. */
export const MAX_INBOUND_MEDIA_BYTES = 100 * MB

// Meta's per-type limits (reference §9). Stickers are 100 KB static / 500 KB animated, and which
// one a sticker is shows only after download, so the animated limit applies to all.
const LIMITS: Readonly<Record<string, number>> = {
  image: 5 * MB,
  video: 16 * MB,
  audio: 16 * MB,
  document: 100 * MB,
  sticker: 500 * KB,
}

/** The most bytes Parley keeps for a message of this type. */
export function mediaByteLimit(messageType: string): number {
  return LIMITS[messageType] ?? MAX_INBOUND_MEDIA_BYTES
}

/** How a stored file is answered: its Content-Type and Content-Disposition. */
export interface MediaServing {
  readonly contentType: string
  readonly disposition: string
}

// Only formats Meta accepts (§9) that browsers render without running anything. SVG, HTML, XML
// and scripts are absent on purpose: served inline from our origin they could run as a page.
const INLINE_TYPES: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
}

// Meta's document formats (§9): still opaque bytes, but the saved file gets a useful name.
const DOWNLOAD_EXTENSIONS: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
}

/** The MIME type without parameters, lower-cased ('Audio/OGG; codecs=opus' → 'audio/ogg'). */
function essenceOf(mimeType: string | null | undefined): string {
  return (mimeType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

function fileName(base: string, extension: string | undefined): string {
  // The name lands in a quoted header value: keep it to characters that need no escaping.
  const safe = base.replace(/[^\w.-]/g, '_')
  return extension === undefined ? safe : `${safe}.${extension}`
}

/**
 * Known-safe images, audio and video are shown inline under their own type; anything else is a
 * download of opaque bytes, so the browser never interprets a contact's file as a page.
 */
export function mediaServing(mimeType: string | null | undefined, baseName: string): MediaServing {
  const essence = essenceOf(mimeType)
  const inline = INLINE_TYPES[essence]
  if (inline === undefined) {
    const name = fileName(baseName, DOWNLOAD_EXTENSIONS[essence])
    return {
      contentType: 'application/octet-stream',
      disposition: `attachment; filename="${name}"`,
    }
  }
  return { contentType: essence, disposition: `inline; filename="${fileName(baseName, inline)}"` }
}
