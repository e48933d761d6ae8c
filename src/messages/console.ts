import { open, type FileHandle } from 'node:fs/promises'
import { resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { Hono } from 'hono'
import type { AppEnv } from '../http/env.js'
import { requireRole } from '../http/roles.js'
import { AppError } from '../errors.js'
import { isUuid, type Tx } from '../db/tenant.js'
import { mediaServing } from './media-limits.js'
import { findMessageMedia } from './media.repo.js'
import { assertContactInScope, viewerOf } from '../inbox/scope.js'
import type { Viewer } from '../inbox/inbox-rules.js'

/**
 * The stored file of a message in the transaction's workspace; not_found unless stored, and
 * forbidden when its conversation is outside the viewer's scope (as the thread itself is).
 */
async function loadStoredMedia(tx: Tx, messageId: string, viewer: Viewer) {
  const message = await findMessageMedia(tx, messageId)
  if (message?.mediaState !== 'stored' || message.mediaPath === null) {
    throw new AppError('not_found')
  }
  if (message.contactId) await assertContactInScope(tx, viewer, message.contactId)
  return { path: message.mediaPath, mimeType: message.mediaMimeType }
}

/** Opens a stored file; the path must stay inside DATA_DIR/media, and a missing file is 404. */
async function openMediaFile(dataDir: string, relativePath: string): Promise<FileHandle> {
  const root = resolve(dataDir, 'media')
  const path = resolve(dataDir, relativePath)
  if (!path.startsWith(root + sep)) throw new AppError('not_found')
  try {
    return await open(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('not_found')
    throw error
  }
}

/**
 * Serves a message's downloaded media to users of its workspace: mounted at /media for the
 * console (session) and at /api/v1/media for integrations (API key).
 */
export const mediaRoutes = new Hono<AppEnv>().get(
  '/media/:messageId',
  requireRole('sales'),
  async (c) => {
    const messageId = c.req.param('messageId')
    if (!isUuid(messageId)) throw new AppError('not_found')
    const viewer = viewerOf(c)
    const media = await c.var.tenant((tx) => loadStoredMedia(tx, messageId, viewer))
    const file = await openMediaFile(c.var.deps.dataDir, media.path)
    const { size } = await file.stat()
    const serving = mediaServing(media.mimeType, messageId)
    // Readable.toWeb's stream type is node's; the body is the same web stream at runtime.
    const body = Readable.toWeb(file.createReadStream()) as ReadableStream<Uint8Array>
    return c.body(body, 200, {
      'Content-Type': serving.contentType,
      'Content-Disposition': serving.disposition,
      'Content-Length': String(size),
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
    })
  },
)
