import { join } from 'node:path'
import type { JobDeps } from '../jobs/types.js'
import { withTenant, type Tx } from '../db/tenant.js'
import { loadWhatsAppCredentials } from '../credentials/whatsapp.js'
import { GraphError } from '../whatsapp/graph-errors.js'
import { fetchMedia, isRetryableGraphError, MediaTooLargeError } from '../whatsapp/media.js'
import { mediaByteLimit } from './media-limits.js'
import { findMessageMedia, settlePendingMedia } from './media.repo.js'

/** The download job's payload: one message whose media is pending. */
export interface MediaJob {
  readonly workspaceId: string
  readonly messageId: string
}

interface Download {
  readonly mediaId: string
  readonly type: string
  readonly mimeType: string | null
  readonly accessToken: string
  readonly phoneNumberId: string
}

type Outcome = Parameters<typeof settlePendingMedia>[2]

// Relative to DATA_DIR, so rows stay valid when the data directory moves.
function mediaRelativePath(job: MediaJob): string {
  return join('media', job.workspaceId, job.messageId)
}

/**
 * Downloads a message's pending media to DATA_DIR and records the outcome: stored, too large,
 * or failed for good. Transient failures (network, 5xx, Meta's "try later" codes) are thrown so
 * the job fails and the media sweep retries it. Anything but pending media is left alone.
 */
export async function downloadMedia(deps: JobDeps, job: MediaJob): Promise<void> {
  const plan = await withTenant(deps.db, job.workspaceId, (tx) => planDownload(tx, deps, job))
  if (plan === undefined) return
  const outcome =
    typeof plan === 'string' ? failure(deps, job, plan) : await fetchOutcome(deps, job, plan)
  await withTenant(deps.db, job.workspaceId, (tx) => settlePendingMedia(tx, job.messageId, outcome))
}

/** What to download, a reason it never can be, or undefined when there is nothing to do. */
async function planDownload(
  tx: Tx,
  deps: JobDeps,
  job: MediaJob,
): Promise<Download | string | undefined> {
  const message = await findMessageMedia(tx, job.messageId)
  if (message?.mediaState !== 'pending') return undefined
  if (message.mediaId === null) return 'message has no media id'
  const whatsapp = await loadWhatsAppCredentials(tx, deps.cipher, job.workspaceId)
  const { accessToken, phoneNumberId } = whatsapp ?? {}
  if (!accessToken || !phoneNumberId) {
    return 'workspace has no WhatsApp access token or phone number id'
  }
  return {
    mediaId: message.mediaId,
    type: message.type,
    mimeType: message.mediaMimeType,
    accessToken,
    phoneNumberId,
  }
}

async function fetchOutcome(deps: JobDeps, job: MediaJob, plan: Download): Promise<Outcome> {
  const relativePath = mediaRelativePath(job)
  const maxBytes = mediaByteLimit(plan.type)
  try {
    const file = await fetchMedia({
      graph: deps.graph,
      accessToken: plan.accessToken,
      mediaId: plan.mediaId,
      phoneNumberId: plan.phoneNumberId,
      maxBytes,
      destinationPath: join(deps.dataDir, relativePath),
    })
    return {
      mediaState: 'stored',
      mediaPath: relativePath,
      mediaBytes: file.bytes,
      mediaMimeType: plan.mimeType ?? file.contentType ?? null,
    }
  } catch (error) {
    if (error instanceof MediaTooLargeError) {
      deps.log.info({ ...job, type: plan.type, maxBytes }, 'media over the limit: not kept')
      return { mediaState: 'too_large' }
    }
    if (error instanceof GraphError && !isRetryableGraphError(error)) {
      return failure(deps, job, error.message, error.code)
    }
    throw error
  }
}

function failure(deps: JobDeps, job: MediaJob, reason: string, code?: number): Outcome {
  deps.log.warn({ ...job, code, reason }, 'media download failed for good')
  return { mediaState: 'failed' }
}
