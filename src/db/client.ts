import pg from 'pg'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import type { Logger } from 'pino'
import * as schema from './schema.js'
import { startEmbeddedPostgres } from './embedded.js'
import { acquireDataDirLock } from './lockfile.js'
import { findRunningEmbedded, publishEmbeddedAddress } from './embedded-address.js'

/** Drizzle over the connection pool; only src/db/ creates one. */
export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool }

const onConnection = new WeakMap<pg.PoolClient, NodePgDatabase<typeof schema>>()

/**
 * Runs `work` on one pooled connection and always gives the connection back. Drizzle's own
 * transaction on a pool keeps the connection when BEGIN fails (a connection dropped at that
 * moment), and each such loss shrinks the pool until every request waits for ever.
 */
export async function withConnection<T>(
  db: Db,
  work: (connection: NodePgDatabase<typeof schema>) => Promise<T>,
): Promise<T> {
  const client = await db.$client.connect()
  try {
    let bound = onConnection.get(client)
    if (!bound) {
      bound = drizzle(client, { schema })
      onConnection.set(client, bound)
    }
    return await work(bound)
  } finally {
    // A client whose connection broke is dropped by the pool rather than reused.
    client.release()
  }
}

/** An open database: the Drizzle handle, its pool, and how to close both. */
export interface Database {
  readonly db: Db
  readonly pool: pg.Pool
  /** True when running on the embedded PostgreSQL (no DATABASE_URL). */
  readonly embedded: boolean
  close(): Promise<void>
}

interface OpenOptions {
  databaseUrl: string | undefined
  dataDir: string
  log: Logger
  poolSize?: number
  /** Join the embedded database of a server already running on DATA_DIR (CLI commands). */
  joinRunning?: boolean
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL in DATA_DIR when there is none. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl !== undefined) {
    return wrapPool(options.databaseUrl, options, false, () => Promise.resolve())
  }
  const running = options.joinRunning ? findRunningEmbedded(options.dataDir) : undefined
  if (running !== undefined) {
    return wrapPool(running, options, true, () => Promise.resolve())
  }
  const releaseLock = acquireDataDirLock(options.dataDir)
  try {
    const embedded = await startEmbeddedPostgres(
      options.dataDir,
      options.log.child({ component: 'embedded-postgres' }),
    )
    options.log.info(
      'no DATABASE_URL: using the embedded PostgreSQL in DATA_DIR, for trials and small teams',
    )
    const withdraw = publishEmbeddedAddress(options.dataDir, embedded.connectionString)
    return wrapPool(embedded.connectionString, options, true, async () => {
      withdraw()
      await embedded.stop()
      releaseLock()
    })
  } catch (error) {
    releaseLock()
    throw error
  }
}

/** Opens a pool on a connection string without the embedded fallback (tests and tools). */
export function connectDatabase(
  connectionString: string,
  options: { log: Logger; poolSize?: number },
) {
  return wrapPool(connectionString, options, false, () => Promise.resolve())
}

const sideConnections = new WeakMap<Db, Db>()

/**
 * The same database on a connection of its own (one per process), for a short write that must
 * be committed while a transaction on the pool is still open, such as the mark that a call to
 * Meta has started, written from inside the gate's transaction. A second connection from the
 * pool for each of those transactions could take the whole pool and wait for ever.
 */
export function sideConnection(db: Db): Db {
  const side = sideConnections.get(db)
  if (side === undefined) throw new Error('sideConnection needs a database opened here')
  return side
}

function createPool(connectionString: string, options: { log: Logger }, max: number) {
  const pool = new pg.Pool({ connectionString, max })
  // A client losing its connection (a restarted server, pg_terminate_backend) emits 'error',
  // idle or checked out; unhandled, that ends the process. The query in flight fails, the pool
  // drops the client and the next query connects again.
  pool.on('error', (error) => {
    options.log.error({ err: error }, 'idle database connection failed')
  })
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      options.log.warn({ err: error }, 'database connection lost')
    })
  })
  return pool
}

function wrapPool(
  connectionString: string,
  options: { log: Logger; poolSize?: number },
  embedded: boolean,
  afterClose: () => Promise<void>,
): Database {
  const pool = createPool(connectionString, options, options.poolSize ?? 10)
  // pg connects on first use: a process that never needs the side connection never opens it.
  const side = createPool(connectionString, options, 1)
  const db = drizzle(pool, { schema })
  sideConnections.set(db, drizzle(side, { schema }))
  let closing: Promise<void> | undefined
  return {
    db,
    pool,
    embedded,
    close() {
      closing ??= Promise.all([pool.end(), side.end()]).then(afterClose)
      return closing
    },
  }
}
