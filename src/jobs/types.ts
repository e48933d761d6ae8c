import { z } from 'zod'
import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import type { FieldCipher } from '../crypto/field-cipher.js'

const none = z.object({})

/**
 * Every job's name and payload schema, apart from the registry (which imports every handler),
 * so a feature can name a job and its payload without importing the others.
 */
export const JOB_PAYLOADS = {
  'auth.purge-ended-sessions': none,
  'auth.purge-login-throttles': none,
  'audit.purge-old': none,
  'jobs.purge-finished': none,
  'webhooks.process': none,
  'webhooks.purge-processed': none,
  'whatsapp.download-media': z.object({ workspaceId: z.uuid(), messageId: z.uuid() }),
  'outbound.dispatch': none,
  'outbound.mark-read': z.object({ workspaceId: z.uuid(), wamid: z.string().min(1).max(256) }),
  'whatsapp.sweep-media': none,
  'templates.sync': z.object({ workspaceId: z.uuid() }),
  'templates.sync-all': none,
} as const

/** A registered job's name. */
export type JobName = keyof typeof JOB_PAYLOADS
/** The payload a job takes. */
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_PAYLOADS)[N]>

/** What request handlers and jobs use of the runner: adding work. */
export interface JobQueue {
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>): Promise<void>
}

/** What a job handler may use. */
export interface JobDeps {
  readonly db: Db
  readonly cipher: FieldCipher
  readonly log: Logger
  /** Lets a job hand follow-up work to other jobs. */
  readonly jobs: JobQueue
  /** Meta's Graph API base URL and version (media downloads, later sends). */
  readonly graph: { readonly baseUrl: string; readonly version: string }
  /** Where downloaded media is kept (DATA_DIR). */
  readonly dataDir: string
  /** Aborted when the process shuts down: long-running jobs stop taking new work. */
  readonly shutdown: AbortSignal
  now(): Date
}
