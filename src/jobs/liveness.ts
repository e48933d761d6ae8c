import type { Job } from 'agenda'
import type { PostgresBackend } from '@agendajs/postgres-backend'
import type { Logger } from 'pino'

/**
 * How long a running job's lock holds without a heartbeat. A job held by an instance that died
 * (kill -9) is taken over by another, or by the restarted one, this long after its last beat.
 */
export const JOB_LOCK_LIFETIME_MS = 20_000
const HEARTBEAT_MS = 5_000
const RELISTEN_MS = 30_000

/** Renews the job's lock while it runs; call the returned function when it ends. */
export function keepLocked(job: Job, log: Logger): () => void {
  const beat = setInterval(() => {
    job.touch().catch((error: unknown) => {
      log.warn({ err: error, job: job.attrs.name }, 'could not renew a running job’s lock')
    })
  }, HEARTBEAT_MS)
  beat.unref()
  return () => {
    clearInterval(beat)
  }
}

/**
 * Keeps the LISTEN channel that wakes workers for new jobs: a lost connection is an 'error'
 * the channel emits (unhandled, it would end the process), and once the channel has used its
 * own reconnection attempts, it is connected again every 30 s until the database answers.
 */
export function watchNotifications(backend: PostgresBackend, log: Logger): void {
  const channel = backend.notificationChannel
  if (!channel) return
  let relistening = false
  channel.on('error', (error) => {
    log.warn({ err: error }, 'job notification channel: connection lost, reconnecting')
    if (relistening || !error.message.includes('Max reconnection attempts')) return
    relistening = true
    const retry = setInterval(() => {
      channel.connect().then(
        () => {
          clearInterval(retry)
          relistening = false
        },
        () => undefined,
      )
    }, RELISTEN_MS)
    retry.unref()
  })
}
