import type { z } from 'zod'
import { purgeEndedSessions, purgeLoginThrottles } from '../auth/purge.js'
import { processDueEvents } from '../webhooks/process.js'
import { purgeProcessedEvents } from '../webhooks/purge.js'
import { purgeFinishedJobs } from './purge.js'
import { purgeOldAuditEntries } from '../audit/purge.js'
import { downloadMedia } from '../messages/download-media.js'
import { sweepPendingMedia } from '../messages/sweep-media.js'
import { dispatchDueSends } from '../outbound/dispatch.js'
import { markMessagesRead } from '../outbound/mark-read.js'
import { syncAllTemplates, syncTemplatesJob } from '../templates/sync-all-templates.js'
import { JOB_PAYLOADS, type JobDeps, type JobName } from './types.js'

/** One background job: its payload schema (versioned), its handler, and an optional schedule. */
export interface JobDefinition<S extends z.ZodType> {
  readonly version: number
  readonly payload: S
  /** Milliseconds between runs for a recurring job; one instance runs each tick across all processes. */
  readonly everyMs?: number
  /** Runs of this job at once in one process (agenda's default is 5). */
  readonly concurrency?: number
  run(deps: JobDeps, payload: z.infer<S>): Promise<unknown>
}

function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition
}

const HOUR = 60 * 60 * 1000
const WEBHOOK_SWEEP_MS = 10_000
const SEND_SWEEP_MS = 10_000

/** Every background job Parley runs. Handlers must be safe to run twice. */
export const JOBS = {
  'auth.purge-ended-sessions': defineJob({
    version: 1,
    payload: JOB_PAYLOADS['auth.purge-ended-sessions'],
    everyMs: HOUR,
    run: (deps) => purgeEndedSessions(deps.db, deps.now()),
  }),
  'auth.purge-login-throttles': defineJob({
    version: 1,
    payload: JOB_PAYLOADS['auth.purge-login-throttles'],
    everyMs: HOUR,
    run: (deps) => purgeLoginThrottles(deps.db, deps.now()),
  }),
  'audit.purge-old': defineJob({
    version: 1,
    payload: JOB_PAYLOADS['audit.purge-old'],
    everyMs: 24 * HOUR,
    run: (deps) => purgeOldAuditEntries(deps.db, deps.now()),
  }),
  'jobs.purge-finished': defineJob({
    version: 1,
    payload: JOB_PAYLOADS['jobs.purge-finished'],
    everyMs: HOUR,
    run: (deps) => purgeFinishedJobs(deps.db, deps.now()),
  }),
  // Kicked after every ingest commit; the schedule is the safety net (crashes, retries, replays).
  'webhooks.process': defineJob({
    version: 1,
    payload: JOB_PAYLOADS['webhooks.process'],
    everyMs: WEBHOOK_SWEEP_MS,
    // One worker per process drains the queue: parallel batches lock the same contacts and
    // deadlock more than they gain on two cores. Other instances add their own worker.
    concurrency: 1,
    run: (deps) => processDueEvents(deps),
  }),
  'webhooks.purge-processed': defineJob({
    version: 1,
    payload: JOB_PAYLOADS['webhooks.purge-processed'],
    everyMs: HOUR,
    run: (deps) => purgeProcessedEvents(deps.db, deps.now()),
  }),
  'whatsapp.download-media': defineJob({
    version: 1,
    payload: JOB_PAYLOADS['whatsapp.download-media'],
    run: (deps, payload) => downloadMedia(deps, payload),
  }),
  // Kicked whenever a send is queued; the schedule carries on retries and paced sends.
  'outbound.dispatch': defineJob({
    version: 1,
    payload: JOB_PAYLOADS['outbound.dispatch'],
    everyMs: SEND_SWEEP_MS,
    // One dispatcher per process keeps the per-number pacing in one place.
    concurrency: 1,
    run: (deps) => dispatchDueSends(deps),
  }),
  // Enqueued when an agent opens a thread with unread messages (workspace setting, default on).
  'outbound.mark-read': defineJob({
    version: 1,
    payload: JOB_PAYLOADS['outbound.mark-read'],
    run: (deps, payload) => markMessagesRead(deps, payload),
  }),
  'whatsapp.sweep-media': defineJob({
    version: 1,
    payload: JOB_PAYLOADS['whatsapp.sweep-media'],
    everyMs: 5 * 60_000,
    run: (deps) => sweepPendingMedia(deps),
  }),
  // Enqueued for one workspace (e.g. after connecting WhatsApp); the console syncs inline.
  'templates.sync': defineJob({
    version: 1,
    payload: JOB_PAYLOADS['templates.sync'],
    run: (deps, payload) => syncTemplatesJob(deps, payload),
  }),
  // Meta approves, pauses and disables templates on its own schedule; a daily pass keeps up.
  'templates.sync-all': defineJob({
    version: 1,
    payload: JOB_PAYLOADS['templates.sync-all'],
    everyMs: 24 * HOUR,
    concurrency: 1,
    run: (deps) => syncAllTemplates(deps),
  }),
} as const satisfies Record<JobName, JobDefinition<z.ZodType>>
