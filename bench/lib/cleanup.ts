// Cleanup that also runs on Ctrl-C and on uncaught errors: a bench must never leave a server
// running or a scratch database behind, however it ends.
import type { ChildProcess } from 'node:child_process'
import { isAlive } from './processes.js'

type Cleanup = () => Promise<void> | void
const cleanups: Cleanup[] = []
const children = new Set<ChildProcess>()
let handlersInstalled = false

/** Registers work to undo at the end (last registered runs first). */
export function onCleanup(cleanup: Cleanup): void {
  installHandlers()
  cleanups.push(cleanup)
}

/** Runs every registered cleanup once, in reverse order, reporting (not throwing) failures. */
export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()
    try {
      await cleanup?.()
    } catch (error) {
      process.stderr.write(`cleanup failed: ${String(error)}\n`)
    }
  }
}

/** Remembers a child so it is killed if the bench exits without stopping it. */
export function trackChild(child: ChildProcess): ChildProcess {
  installHandlers()
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

function installHandlers() {
  if (handlersInstalled) return
  handlersInstalled = true
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: cleaning up\n`)
      void runCleanups().finally(() => process.exit(130))
    })
  }
  // Last resort when the process exits without cleaning up: never leave servers running.
  process.once('exit', () => {
    for (const child of children) {
      if (isAlive(child)) child.kill('SIGKILL')
    }
  })
}

/** Runs `main`, always cleans up, and sets the exit code (1 on error or a false result). */
export function runBench(main: () => Promise<boolean | undefined>): void {
  main()
    .then(async (ok) => {
      await runCleanups()
      process.exit(ok === false ? 1 : 0)
    })
    .catch(async (error: unknown) => {
      process.stderr.write(
        `bench failed: ${error instanceof Error ? error.stack : String(error)}\n`,
      )
      await runCleanups()
      process.exit(1)
    })
}
