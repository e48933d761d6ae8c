import { Agenda, type Job } from 'agenda'
import { PostgresBackend } from '@agendajs/postgres-backend'
import type pg from 'pg'
import { JOBS, type JobDeps, type JobName, type JobPayload } from './registry.js'

/** Enqueues registered jobs and, when started, runs them; the only wrapper around agenda. */
export interface JobRunner {
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>): Promise<void>
  /** Waits up to `timeoutMs` for running jobs to finish, then stops taking new ones. */
  drain(timeoutMs: number): Promise<void>
}

interface StoredJob {
  version: number
  payload: unknown
}

interface RunnerOptions {
  pool: pg.Pool
  deps: JobDeps
  /** Embedded PGlite delivers NOTIFY to its sender, so it polls instead of listening. */
  polling: boolean
}

/** Starts agenda on our own job tables (created by migrations, never by agenda) and schedules recurring jobs. */
export async function startJobRunner({ pool, deps, polling }: RunnerOptions): Promise<JobRunner> {
  const backend = new PostgresBackend({ pool, ensureSchema: false, disableNotifications: polling })
  // Intervals as numbers: agenda parses '500 milliseconds' as 500 000 ms.
  const agenda = new Agenda({
    backend,
    processEvery: polling ? 1000 : 5000,
    name: `parley-${process.pid}`,
  })
  for (const [name, definition] of Object.entries(JOBS)) {
    agenda.define(name, async (job: Job<StoredJob>) => {
      const { version, payload } = job.attrs.data
      if (version !== definition.version) {
        throw new Error(
          `job ${name} has payload version ${version}, expected ${definition.version}`,
        )
      }
      await definition.run(deps, definition.payload.parse(payload))
    })
  }
  await agenda.start()
  for (const [name, definition] of Object.entries(JOBS)) {
    if (definition.everyMs !== undefined) {
      await agenda.every(definition.everyMs, name, { version: definition.version, payload: {} })
    }
  }
  return {
    async enqueue(name, payload) {
      const stored: StoredJob = {
        version: JOBS[name].version,
        payload: JOBS[name].payload.parse(payload),
      }
      await agenda.now(name, stored)
    },
    async drain(timeoutMs) {
      await agenda.drain({ timeout: timeoutMs, closeConnection: false })
    },
  }
}
