import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testDatabaseUrl } from './databases.js'
import { pino } from 'pino'
import { createApp } from '../../src/app.js'
import { connectDatabase } from '../../src/db/client.js'
import { isMigrated } from '../../src/db/migrate.js'
import { createFieldCipher } from '../../src/crypto/field-cipher.js'
import { createRenderer } from '../../src/http/render.js'
import { VIEWS_DIR } from '../../src/paths.js'
import type { AppDeps } from '../../src/http/env.js'
import type { JobQueue } from '../../src/jobs/types.js'
import type { JobDeps, JobName } from '../../src/jobs/types.js'

/**
 * One encryption key for every test app: processing jobs of parallel test files share the
 * database and may pick up each other's stored webhook events, which they must be able to read.
 */
export const TEST_DATA_KEY = Buffer.from('parley-test-data-encryption-key!')

/** The Meta app secret and verify token every test app is configured with. */
export const TEST_WHATSAPP = { appSecret: 'test-app-secret', verifyToken: 'test-verify-token' }

/** Records enqueued jobs instead of running them; tests call the job functions themselves. */
export class RecordingQueue implements JobQueue {
  readonly enqueued: { name: JobName; payload: unknown }[] = []
  enqueue = (name: JobName, payload: unknown) => {
    this.enqueued.push({ name, payload })
    return Promise.resolve()
  }
  /** Payloads enqueued for one job. */
  payloadsOf(name: JobName): unknown[] {
    return this.enqueued.filter((job) => job.name === name).map((job) => job.payload)
  }
}

/**
 * A controllable clock for expiry, throttling and retry tests: real time plus whatever the test
 * advanced it by, so rows stamped by the database's now() stay comparable with it.
 */
export class TestClock {
  private offsetMs = 0
  now = () => new Date(Date.now() + this.offsetMs)
  advance(ms: number) {
    this.offsetMs += ms
  }
  /** Moves the clock on instead of waiting: a dispatcher run on it paces without real seconds. */
  sleep = (ms: number) => {
    this.advance(ms)
    return Promise.resolve()
  }
}

/** The app on the project's test database (or `databaseUrl`), with a silent logger, own keys and clock. */
export function createTestApp(overrides: Partial<AppDeps> = {}, databaseUrl = testDatabaseUrl()) {
  const log = pino({ level: 'silent' })
  const database = connectDatabase(databaseUrl, { log, poolSize: 5 })
  const cipher = createFieldCipher([TEST_DATA_KEY])
  const clock = new TestClock()
  const jobs = new RecordingQueue()
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'))
  const deps: AppDeps = {
    db: database.db,
    cipher,
    log,
    sessionSecret: randomBytes(32).toString('base64url'),
    views: createRenderer(VIEWS_DIR),
    trustProxy: true,
    trustProxyHops: 1,
    whatsapp: TEST_WHATSAPP,
    dataDir,
    jobs,
    // Nothing listens here: a test that needs Meta starts a fake and overrides this.
    graph: { baseUrl: 'http://127.0.0.1:9', version: 'v26.0' },
    isReady: () => isMigrated(database.pool),
    now: clock.now,
    ...overrides,
  }
  const jobDeps: JobDeps = {
    db: database.db,
    cipher,
    log,
    now: clock.now,
    jobs,
    graph: deps.graph,
    dataDir,
    shutdown: new AbortController().signal,
  }
  return {
    app: createApp(deps),
    deps,
    jobDeps,
    jobs,
    clock,
    database,
    close: () => database.close(),
  }
}

/** The test app and what it was built from. */
export type TestApp = ReturnType<typeof createTestApp>
