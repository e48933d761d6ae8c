import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import { openDatabase, type Database } from './db/client.js'
import { isMigrated, runMigrations } from './db/migrate.js'
import { createFieldCipher } from './crypto/field-cipher.js'
import { createApp } from './app.js'
import { createRenderer } from './http/render.js'
import { startJobRunner, type JobRunner } from './jobs/runner.js'
import { VIEWS_DIR } from './paths.js'

const DRAIN_TIMEOUT_MS = 25_000

/** The shell: database → migrations → job runner → HTTP server, and a graceful SIGTERM. */
export async function startServer(config: Config, log: Logger): Promise<void> {
  const started = performance.now()
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    log,
  })
  await runMigrations(database.pool)
  const shared = {
    db: database.db,
    cipher: createFieldCipher([...config.dataEncryptionKeys]),
    log,
    dataDir: config.dataDir,
    now: () => new Date(),
  }
  const graph = { baseUrl: config.metaGraphUrl, version: config.metaGraphVersion }
  const jobs = await startJobRunner({
    pool: database.pool,
    deps: { ...shared, graph },
  })
  const app = createApp({
    ...shared,
    sessionSecret: config.sessionSecret,
    views: createRenderer(VIEWS_DIR, { watch: config.nodeEnv === 'development' }),
    trustProxy: config.trustProxy,
    trustProxyHops: config.trustProxyHops,
    whatsapp: config.whatsapp,
    jobs,
    graph,
    isReady: () => isMigrated(database.pool),
  })
  let server: ServerType
  try {
    server = await listen(app.fetch, config.port)
  } catch (error) {
    await jobs.drain(DRAIN_TIMEOUT_MS)
    await database.close()
    throw error
  }
  const port = (server.address() as AddressInfo).port
  const ms = Math.round(performance.now() - started)
  log.info({ port, embedded: database.embedded, ms }, `Parley is ready on http://localhost:${port}`)
  stopGracefully({ server, jobs, database, log })
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number) {
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve({ fetch, port }, () => {
      server.off('error', onError)
      resolve(server)
    })
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use: stop the program using it or set PORT`)
          : error,
      )
    }
    server.once('error', onError)
  })
}

// SIGTERM: stop taking requests, let running jobs finish (up to 25 s), close the database.
function stopGracefully(parts: {
  server: ServerType
  jobs: JobRunner
  database: Database
  log: Logger
}) {
  const { server, jobs, database, log } = parts
  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down: no new requests, draining jobs')
    server.close()
    if ('closeIdleConnections' in server) server.closeIdleConnections()
    jobs
      .drain(DRAIN_TIMEOUT_MS)
      .then(() => database.close())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      })
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
}
