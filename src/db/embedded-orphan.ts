import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { EmbeddedLog } from './embedded-log.js'
import { isProcessAlive } from './process-alive.js'
import { setTimeout as sleep } from 'node:timers/promises'

const FAST_SHUTDOWN_MS = 15_000

/**
 * Stops a server still running on the cluster after its Parley was killed (kill -9 leaves the
 * postgres child behind, holding its port and postmaster.pid). Only called under the data-dir
 * lock, so no live Parley owns that server.
 */
export async function stopOrphanedServer(clusterDir: string, log: EmbeddedLog) {
  const pid = postmasterPid(clusterDir)
  if (pid === undefined || !servesCluster(pid, clusterDir)) return
  log.info(
    `stopping the embedded PostgreSQL (pid ${pid}) left running by a Parley that did not exit cleanly`,
  )
  if (await signalAndWait(pid, 'SIGINT', FAST_SHUTDOWN_MS)) return
  if (await signalAndWait(pid, 'SIGQUIT', FAST_SHUTDOWN_MS)) return
  throw new Error(
    `The embedded PostgreSQL left running as pid ${pid} does not stop; stop it by hand`,
  )
}

function postmasterPid(clusterDir: string): number | undefined {
  try {
    const first = readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]
    const pid = Number(first)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

// The pid in a stale postmaster.pid may since belong to anything; act only on our own server.
function servesCluster(pid: number, clusterDir: string): boolean {
  const command = commandLineOf(pid)
  return command !== undefined && command.includes('postgres') && command.includes(clusterDir)
}

function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' })
    return ps.status === 0 ? ps.stdout : undefined
  }
}

async function signalAndWait(pid: number, signal: NodeJS.Signals, timeoutMs: number) {
  try {
    process.kill(pid, signal)
  } catch {
    return true
  }
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    if (!isProcessAlive(pid)) return true
    await sleep(50)
  }
  return !isProcessAlive(pid)
}
