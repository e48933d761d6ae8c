import { Agenda, type Job } from 'agenda'
import { PostgresBackend } from '@agendajs/postgres-backend'
import type pg from 'pg'
import type { z } from 'zod'
import { JOBS, type JobDefinition } from './registry.js'
import type { JobDeps, JobName, JobPayload, JobQueue } from './types.js'
import { JOB_LOCK_LIFETIME_MS, keepLocked, watchNotifications } from './liveness.js'

/** Enqueues registered jobs and, when started, runs them; the only wrapper around agenda. */
export interface JobRunner extends JobQueue {
  /** Waits up to `timeoutMs` for running jobs to finish, then stops taking new ones. */
  drain(timeoutMs: number): Promise<void>
}

interface StoredJob {
  version: number
  payload: unknown
}

interface RunnerOptions {
  pool: pg.Pool
  deps: Omit<JobDeps, 'jobs' | 'shutdown'>
}

/** Starts agenda on our own job tables (created by migrations, never by agenda) and schedules recurring jobs. */
export async function startJobRunner({ pool, deps }: RunnerOptions): Promise<JobRunner> {
  const backend = new PostgresBackend({ pool, ensureSchema: false })
  watchNotifications(backend, deps.log)
  // Intervals as numbers: agenda parses '500 milliseconds' as 500 000 ms.
  const agenda = new Agenda({
    backend,
    processEvery: 5000,
    defaultLockLifetime: JOB_LOCK_LIFETIME_MS,
    name: `parley-${process.pid}`,
  })
  const shutdown = new AbortController()
  const runner: JobRunner = {
    async enqueue(name, payload) {
      await agenda.now(name, storedJob(name, payload))
    },
    async drain(timeoutMs) {
      shutdown.abort()
      await agenda.drain({ timeout: timeoutMs, closeConnection: false })
    },
  }
  defineJobs(agenda, { ...deps, jobs: runner, shutdown: shutdown.signal })
  await agenda.start()
  for (const [name, definition] of Object.entries(JOBS)) {
    if (definition.everyMs !== undefined) {
      await agenda.every(definition.everyMs, name, { version: definition.version, payload: {} })
    }
  }
  return runner
}

function defineJobs(agenda: Agenda, deps: JobDeps) {
  for (const [name, registered] of Object.entries(JOBS)) {
    // Each entry's payload schema matches its own handler; the union of all entries does not.
    const definition = registered as JobDefinition<z.ZodType>
    const options = definition.concurrency ? { concurrency: definition.concurrency } : {}
    agenda.define(name, (job: Job<StoredJob>) => runJob(name, definition, deps, job), options)
  }
}

async function runJob(
  name: string,
  definition: JobDefinition<z.ZodType>,
  deps: JobDeps,
  job: Job<StoredJob>,
) {
  const { version, payload } = job.attrs.data
  if (version !== definition.version) {
    throw new Error(`job ${name} has payload version ${version}, expected ${definition.version}`)
  }
  const stopBeating = keepLocked(job, deps.log)
  try {
    await definition.run(deps, definition.payload.parse(payload))
  } catch (error) {
    // agenda keeps the failure on the job row; the log is where operators look.
    deps.log.error({ err: error, job: name }, 'job failed')
    throw error
  } finally {
    stopBeating()
  }
}

/**
 * A queue that only adds jobs (CLI commands): no worker starts in this process, so a running
 * server picks the jobs up on its next poll.
 */
export function createJobQueue(pool: pg.Pool): JobQueue {
  let agenda: Agenda | undefined
  return {
    async enqueue(name, payload) {
      // Created on first use: most commands never enqueue anything.
      agenda ??= new Agenda({
        backend: new PostgresBackend({ pool, ensureSchema: false, disableNotifications: true }),
      })
      await agenda.now(name, storedJob(name, payload))
    },
  }
}

function storedJob<N extends JobName>(name: N, payload: JobPayload<N>): StoredJob {
  return { version: JOBS[name].version, payload: JOBS[name].payload.parse(payload) }
}
