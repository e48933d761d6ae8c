// A `parley serve` process on a scratch PostgreSQL database with one WhatsApp-connected
// workspace, started the way a deployment starts it (NODE_ENV=production, bin/parley.js).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { runCli } from '../../tests/helpers/cli.js'
import { findRunningEmbedded } from '../../src/db/embedded-address.js'
import { createScratchDatabase } from '../../tests/helpers/databases.js'
import { onCleanup } from './cleanup.js'
import { randomDigits } from './payloads.js'
import { freePort } from './processes.js'
import { serveLifecycle } from './serve-process.js'
import { readLogProblems, readLogTail } from './server-log.js'

/** The PostgreSQL server benches use unless BENCH_DATABASE_URL names another. */
export const BENCH_SERVER_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** A `parley serve` process on a scratch database with one WhatsApp-connected workspace. */
export interface ParleyServer {
  readonly baseUrl: string
  readonly webhookUrl: string
  readonly port: number
  readonly appSecret: string
  readonly phoneNumberId: string
  readonly wabaId: string
  readonly workspaceId: string
  readonly databaseUrl: string
  readonly dataDir: string
  /** The server's environment, for `parley` commands that must use the same secrets. */
  readonly env: NodeJS.ProcessEnv
  /** stdout and stderr of every run of the server, appended. */
  readonly logFile: string
  /** A small pool on the scratch database for the bench's own queries (superuser: no RLS). */
  readonly pool: pg.Pool
  isRunning(): boolean
  /** SIGKILL: no drain, no goodbye. */
  kill(): Promise<void>
  /** SIGTERM and wait (SIGKILL after 30 s). */
  stop(): Promise<void>
  /** Starts the server again on the same database, data dir, secrets and port. */
  restart(): Promise<void>
  /** The last lines of the server log, for failure messages. */
  logTail(lines?: number): string
  /** Distinct warning and error log messages (level, text) with how often each occurred. */
  logProblems(): string[]
}

/** How to start the server for a bench. */
export interface ParleyOptions {
  /** LOG_LEVEL of the server; its logs go to a file, not through the bench. Default info. */
  logLevel?: string
  serverUrl?: string
  /** Extra environment for the server (e.g. NODE_OPTIONS for profiling). */
  env?: Record<string, string>
  /** Run on the embedded PostgreSQL in the bench's DATA_DIR instead of a scratch database. */
  embedded?: boolean
  /** The workspace's WhatsApp access token (a fake Graph server checks it). Default random. */
  accessToken?: string
}

interface ServerSettings {
  port: number
  databaseUrl: string | undefined
  dataDir: string
  appSecret: string
}

// Only what Parley needs, so nothing from the shell running the bench changes its behaviour.
function serverEnv(options: ParleyOptions, settings: ServerSettings): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(settings.port),
    ...(settings.databaseUrl === undefined ? {} : { DATABASE_URL: settings.databaseUrl }),
    DATA_DIR: settings.dataDir,
    WHATSAPP_APP_SECRET: settings.appSecret,
    WHATSAPP_VERIFY_TOKEN: randomBytes(16).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: options.logLevel ?? 'info',
    ...options.env,
  }
}

/** Runs `parley workspace:create` with random Meta ids, as an operator would. */
async function createWorkspace(env: NodeJS.ProcessEnv, accessToken: string) {
  const phoneNumberId = randomDigits(15)
  const wabaId = randomDigits(15)
  const created = await runCli(
    ['workspace:create', '--name', 'Bench workspace', '--phone-number-id', phoneNumberId].concat([
      '--waba-id',
      wabaId,
      '--access-token',
      accessToken,
    ]),
    env,
  )
  if (created.code !== 0) {
    throw new Error(`workspace:create failed (${String(created.code)}):\n${created.stderr}`)
  }
  const workspaceId = (JSON.parse(created.stdout.trim()) as { id: string }).id
  return { workspaceId, phoneNumberId, wabaId }
}

async function scratchDatabase(options: ParleyOptions) {
  const database = await createScratchDatabase(
    options.serverUrl ?? BENCH_SERVER_URL,
    'parley_bench',
  )
  onCleanup(() => database.drop())
  return database
}

// The running server publishes where its embedded database listens (src/db/embedded-address.ts).
function embeddedAddress(dataDir: string): string {
  const address = findRunningEmbedded(dataDir)
  if (address === undefined) throw new Error(`no running embedded database in ${dataDir}`)
  return address
}

function openPool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 })
  pool.on('error', () => {
    // The database is dropped with force at the end; idle clients may see that.
  })
  onCleanup(() => pool.end())
  return pool
}

/**
 * Creates a scratch database and a temp DATA_DIR, creates a workspace with a phone-number-id,
 * starts `parley serve` and waits for GET /readyz. Everything is undone by `runCleanups()`.
 */
export async function startParley(options: ParleyOptions = {}): Promise<ParleyServer> {
  const database = options.embedded ? undefined : await scratchDatabase(options)
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'))
  onCleanup(() => {
    rmSync(dataDir, { recursive: true, force: true })
  })
  const logFile = join(dataDir, 'parley.log')
  const port = await freePort()
  const appSecret = randomBytes(24).toString('hex')
  const env = serverEnv(options, { port, databaseUrl: database?.url, dataDir, appSecret })
  const accessToken = options.accessToken ?? `EAAG${randomBytes(24).toString('hex')}`
  const workspace = await createWorkspace(env, accessToken)
  const baseUrl = `http://127.0.0.1:${port}`
  const { start, ...lifecycle } = serveLifecycle(env, logFile, baseUrl)
  let pool: pg.Pool | undefined
  const server: ParleyServer = {
    ...workspace,
    ...lifecycle,
    baseUrl,
    webhookUrl: `${baseUrl}/webhooks/whatsapp`,
    port,
    appSecret,
    get databaseUrl() {
      return database?.url ?? embeddedAddress(dataDir)
    },
    dataDir,
    env,
    logFile,
    get pool() {
      pool ??= openPool(server.databaseUrl)
      return pool
    },
    logTail: (lines) => readLogTail(logFile, lines),
    logProblems: () => readLogProblems(logFile),
  }
  onCleanup(() => server.stop())
  await start()
  return server
}
