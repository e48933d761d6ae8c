// One `parley serve` child process over its lifetimes: started on fixed settings, ready once
// GET /readyz answers 200, killed or stopped, and started again on the same settings.
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../src/paths.js'
import { stopProcess } from '../../tests/helpers/cli.js'
import { trackChild } from './cleanup.js'
import { isAlive, killChild, sleep } from './processes.js'
import { readLogTail } from './server-log.js'

const BIN = join(PROJECT_ROOT, 'bin', 'parley.js')
const READY_TIMEOUT_MS = 60_000

function spawnServe(env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a')
  try {
    return trackChild(
      spawn(process.execPath, [BIN, 'serve'], {
        env,
        cwd: PROJECT_ROOT,
        stdio: ['ignore', fd, fd],
      }),
    )
  } finally {
    closeSync(fd) // the child holds its own copy
  }
}

async function waitForReady(child: ChildProcess, baseUrl: string, logTail: () => string) {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (!isAlive(child)) {
      throw new Error(`Parley exited (${String(child.exitCode)}) before ready:\n${logTail()}`)
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) })
      await response.arrayBuffer()
      if (response.status === 200) return
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  throw new Error(`Parley was not ready within ${READY_TIMEOUT_MS} ms:\n${logTail()}`)
}

/** Starts, kills, stops and restarts `parley serve`; every run appends to the same log. */
export function serveLifecycle(env: NodeJS.ProcessEnv, logFile: string, baseUrl: string) {
  let child: ChildProcess | undefined
  const start = async () => {
    child = spawnServe(env, logFile)
    await waitForReady(child, baseUrl, () => readLogTail(logFile))
  }
  return {
    start,
    isRunning: () => child !== undefined && isAlive(child),
    kill: async () => {
      if (child) await killChild(child)
    },
    stop: async () => {
      if (child) await stopProcess(child)
    },
    restart: async () => {
      if (child && isAlive(child)) throw new Error('restart: the server is still running')
      await start()
    },
  }
}
