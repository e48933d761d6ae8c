// Runs PGlite plus its wire-protocol socket server in a worker thread. Plain .mjs so that it loads
// without a TypeScript loader, both from src/ under tsx/vitest and next to the compiled build.
import { mkdir } from 'node:fs/promises'
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

if (!parentPort) throw new Error('pglite-worker.mjs must run as a worker thread')
const port = parentPort

/** @type {{ db: PGlite, server: PGLiteSocketServer } | undefined} */
let running

async function start(dataDir) {
  if (typeof dataDir !== 'string' || dataDir === '')
    throw new Error('workerData.dataDir is required')
  // PGlite creates only the last path segment itself.
  await mkdir(dataDir, { recursive: true })
  // pg_trgm: the inbox's name search (a migration creates the extension, as on a real server).
  const db = new PGlite(dataDir, { extensions: { pg_trgm } })
  await db.waitReady
  // The default of 1 connection would serialise the whole pg pool behind one socket.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 100 })
  await server.start()
  running = { db, server }
  // start() replaces the requested port 0 with the one the OS picked; getServerConn() is host:port.
  const listening = Number(server.getServerConn().split(':').pop())
  if (!Number.isInteger(listening) || listening <= 0) {
    throw new Error(`could not read the socket server port from ${server.getServerConn()}`)
  }
  port.postMessage({ type: 'ready', port: listening })
}

async function stop() {
  if (running) {
    await running.server.stop()
    await running.db.close()
    running = undefined
  }
  port.postMessage({ type: 'stopped' })
  port.close()
}

// PGlite rethrows Emscripten ErrnoError objects, which are not Error instances and have no message.
function describe(err) {
  if (err instanceof Error) return err.message
  if (err !== null && typeof err === 'object') {
    const { name, message, errno } = err
    const parts = [name, message, errno === undefined ? undefined : `errno ${errno}`]
    const text = parts.filter((part) => part !== undefined && part !== '').join(' ')
    if (text !== '') return text
  }
  return String(err)
}

port.on('message', (msg) => {
  if (msg?.type !== 'stop') return
  stop().catch((err) => {
    port.postMessage({ type: 'error', message: describe(err) })
    process.exit(1)
  })
})

start(workerData?.dataDir).catch((err) => {
  port.postMessage({ type: 'error', message: describe(err) })
  process.exit(1)
})
