// Child processes and ports for benches. Stopping with SIGTERM is stopProcess from
// tests/helpers/cli.ts; only what the tests have no use for lives here.
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'

/** True until the process has exited or been ended by a signal. */
export function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null
}

/** Sends SIGKILL and waits until the process is gone. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (!isAlive(child)) return
  // Listen before killing: the exit event must not fire before anyone waits for it.
  const exited = once(child, 'exit')
  child.kill('SIGKILL')
  await exited
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => {
        resolve(port)
      })
    })
  })
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
