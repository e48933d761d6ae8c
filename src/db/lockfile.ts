import fs from 'node:fs'
import path from 'node:path'
import { isProcessAlive } from './process-alive.js'

const LOCK_FILE = 'parley.lock'

/** Takes an exclusive PID lock on dataDir (creating it if needed); returns an idempotent release. */
export function acquireDataDirLock(dataDir: string): () => void {
  const dir = path.resolve(dataDir)
  fs.mkdirSync(dir, { recursive: true })
  const lockPath = path.join(dir, LOCK_FILE)
  // Two rounds: the second runs after removing a stale lock; losing that race again means a live owner.
  for (let round = 0; round < 2; round++) {
    if (tryCreateLock(lockPath)) return makeRelease(lockPath)
    const holder = readLockPid(lockPath)
    if (holder !== undefined && isProcessAlive(holder)) {
      throw new Error(
        `Another Parley process (pid ${holder}) is using the data directory ${dir}; ` +
          'stop it first or set DATA_DIR to another folder.',
      )
    }
    fs.rmSync(lockPath, { force: true })
  }
  throw new Error(`Could not take the lock ${lockPath}; another process keeps recreating it.`)
}

function tryCreateLock(lockPath: string): boolean {
  let fd: number
  try {
    fd = fs.openSync(lockPath, 'wx')
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false
    throw err
  }
  try {
    fs.writeSync(fd, `${process.pid}\n`)
  } finally {
    fs.closeSync(fd)
  }
  return true
}

function readLockPid(lockPath: string): number | undefined {
  let text: string
  try {
    text = fs.readFileSync(lockPath, 'utf8').trim()
  } catch {
    return undefined
  }
  if (!/^\d+$/.test(text)) return undefined
  const pid = Number(text)
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
}

function makeRelease(lockPath: string): () => void {
  let released = false
  return () => {
    if (released) return
    released = true
    // Only delete a lock that is still ours; a successor may have replaced it.
    if (readLockPid(lockPath) === process.pid) fs.rmSync(lockPath, { force: true })
  }
}

function errorCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined
}
