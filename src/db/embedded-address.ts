import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isProcessAlive } from './process-alive.js'

const FILE = 'embedded.json'

interface Published {
  pid: number
  connectionString: string
}

/**
 * Tells other `parley` commands where the running server's embedded database listens, so a
 * command run beside `npm start` can join it instead of being refused by the data-dir lock.
 * Returns a function that withdraws the notice.
 */
export function publishEmbeddedAddress(dataDir: string, connectionString: string): () => void {
  const file = join(dataDir, FILE)
  const published: Published = { pid: process.pid, connectionString }
  writeFileSync(file, JSON.stringify(published), { mode: 0o600 })
  return () => {
    rmSync(file, { force: true })
  }
}

/** The connection string of another live process's embedded database in `dataDir`, if any. */
export function findRunningEmbedded(dataDir: string): string | undefined {
  try {
    const published = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as Partial<Published>
    const { pid, connectionString } = published
    if (typeof pid !== 'number' || typeof connectionString !== 'string') return undefined
    return pid !== process.pid && isProcessAlive(pid) ? connectionString : undefined
  } catch {
    return undefined
  }
}
