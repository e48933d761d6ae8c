import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { MediaUrlResponse } from './cloud-api.js'
import { type GraphError, graphErrorOf, type GraphTarget } from './graph-errors.js'

const LOOKUP_TIMEOUT_MS = 30_000
// A 100 MB document on a slow link takes a while; a stalled transfer still ends.
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000

/** The download URL answered 404: it lives 5 minutes (§9), so a fresh one is needed. */
export class MediaUrlExpiredError extends Error {
  constructor() {
    super('media download URL expired')
    this.name = 'MediaUrlExpiredError'
  }
}

/** The file is larger than allowed; nothing of it was kept. */
export class MediaTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`media is larger than ${maxBytes} bytes`)
    this.name = 'MediaTooLargeError'
  }
}

// Meta's codes that mean "try again later" (reference §6); every other code is a request or
// account problem that retrying cannot fix.
const RETRYABLE_CODES = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131057])

/** True when a later attempt may succeed: Meta's code decides, else the HTTP status does. */
export function isRetryableGraphError(error: GraphError): boolean {
  if (error.code !== undefined) return RETRYABLE_CODES.has(error.code)
  return error.status === 404 || error.status === 429 || error.status >= 500
}

function bearer(accessToken: string) {
  return { Authorization: `Bearer ${accessToken}` }
}

/** Asks Meta where a media id can be downloaded (`GET /{version}/{media-id}`, §9). */
export async function fetchMediaUrl(options: {
  graph: GraphTarget
  accessToken: string
  mediaId: string
  phoneNumberId: string
}): Promise<MediaUrlResponse> {
  const { graph, mediaId } = options
  const url = new URL(`${graph.baseUrl}/${graph.version}/${encodeURIComponent(mediaId)}`)
  url.searchParams.set('phone_number_id', options.phoneNumberId)
  const response = await fetch(url, {
    headers: bearer(options.accessToken),
    signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
  })
  if (!response.ok) throw await graphErrorOf(response, 'media lookup')
  const body = (await response.json()) as Partial<MediaUrlResponse>
  if (typeof body.url !== 'string') throw new Error('media lookup answered without a url')
  return body as MediaUrlResponse
}

/** What a finished download wrote. */
export interface DownloadedMedia {
  readonly bytes: number
  /** The type Meta's file server declared, if any. */
  readonly contentType: string | undefined
}

/** Counts bytes as they pass and fails the stream once there are more than `maxBytes`. */
function byteLimit(maxBytes: number, counted: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counted.bytes += chunk.length
      if (counted.bytes > maxBytes) done(new MediaTooLargeError(maxBytes))
      else done(null, chunk)
    },
  })
}

/** Streams a body to a temporary file beside the destination, then renames it into place. */
async function writeLimited(body: WebReadableStream<Uint8Array>, path: string, maxBytes: number) {
  await mkdir(dirname(path), { recursive: true })
  // A unique name per attempt: two runs of the same job never write into each other's file,
  // and a reader never sees a half-written destination.
  const temporary = `${path}.${randomUUID()}.part`
  const counted = { bytes: 0 }
  try {
    await pipeline(
      Readable.fromWeb(body),
      byteLimit(maxBytes, counted),
      createWriteStream(temporary, { flags: 'wx' }),
    )
    await rename(temporary, path)
    return counted.bytes
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}

/**
 * Downloads a media URL with the Bearer token (a plain GET fails, §9) to `destinationPath`.
 * Refuses more than `maxBytes`, by the declared length or while streaming, keeping nothing.
 */
export async function downloadMediaFile(options: {
  url: string
  accessToken: string
  maxBytes: number
  destinationPath: string
}): Promise<DownloadedMedia> {
  const response = await fetch(options.url, {
    headers: bearer(options.accessToken),
    signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
  })
  if (response.status === 404) {
    await response.body?.cancel()
    throw new MediaUrlExpiredError()
  }
  if (!response.ok) throw await graphErrorOf(response, 'media download')
  const declared = Number(response.headers.get('content-length') ?? 0)
  if (declared > options.maxBytes) {
    await response.body?.cancel()
    throw new MediaTooLargeError(options.maxBytes)
  }
  if (response.body === null) throw new Error('media download answered without a body')
  // fetch bodies are byte streams; node's typings leave the chunk type open.
  const body = response.body as WebReadableStream<Uint8Array>
  const bytes = await writeLimited(body, options.destinationPath, options.maxBytes)
  return { bytes, contentType: response.headers.get('content-type') ?? undefined }
}

/**
 * Looks a media id up and downloads it; an expired URL is looked up again once (§9). Meta's
 * declared `file_size` over the limit refuses the file before any byte is fetched.
 */
export async function fetchMedia(options: {
  graph: GraphTarget
  accessToken: string
  mediaId: string
  phoneNumberId: string
  maxBytes: number
  destinationPath: string
}): Promise<DownloadedMedia> {
  const { maxBytes, destinationPath, accessToken } = options
  for (let attempt = 1; ; attempt += 1) {
    const located = await fetchMediaUrl(options)
    if (Number(located.file_size ?? 0) > maxBytes) throw new MediaTooLargeError(maxBytes)
    try {
      return await downloadMediaFile({ url: located.url, accessToken, maxBytes, destinationPath })
    } catch (error) {
      if (!(error instanceof MediaUrlExpiredError) || attempt >= 2) throw error
    }
  }
}
