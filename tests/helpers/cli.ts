import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../src/paths.js'
import { runCommand } from '../../src/cli/main.js'

const BIN = join(PROJECT_ROOT, 'bin', 'parley.js')
const START_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 30_000

/** Settings for a Parley process under test: real secrets, quiet logs, no inherited settings. */
export function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('hex'),
    ...extra,
  }
}

function collectOutput(child: ChildProcess) {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return { stdout: () => stdout, stderr: () => stderr }
}

/** How a `parley` command ended and what it printed. */
export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `parley <args>` to completion and returns its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { env })
  const output = collectOutput(child)
  return new Promise<CliResult>((resolve) => {
    child.on('close', (code) => {
      resolve({ code, stdout: output.stdout(), stderr: output.stderr() })
    })
  })
}

/**
 * Runs `parley <args>` (any command but serve) in this process, as `main` does: the same exit
 * code and output as `runCli` without starting Node and compiling the sources each time.
 */
export async function runCliHere(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const code = await runCommand(args, env, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  })
  return { code, stdout, stderr }
}

function waitForPort(child: ChildProcess, output: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Parley did not start within ${START_TIMEOUT_MS} ms:\n${output()}`))
    }, START_TIMEOUT_MS)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`Parley exited with ${String(code)} before listening:\n${output()}`))
    })
    if (!child.stdout) throw new Error('no stdout')
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = (line.startsWith('{') ? JSON.parse(line) : {}) as {
        msg?: unknown
        port?: unknown
      }
      if (String(entry.msg).startsWith('Parley is ready on ') && typeof entry.port === 'number') {
        clearTimeout(timer)
        resolve(entry.port)
      }
    })
  })
}

/** A `parley serve` process on a free port, once it says it is listening. */
export interface ServeProcess {
  readonly child: ChildProcess
  readonly port: number
  /** What it printed so far, for failure messages. */
  readonly output: () => string
}

/** Starts `parley serve` on a free port and resolves once it logs that it is listening. */
export async function startServe(env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...env, PORT: '0', LOG_LEVEL: 'info' },
  })
  const collected = collectOutput(child)
  const output = () => collected.stdout() + collected.stderr()
  try {
    return { child, port: await waitForPort(child, output), output }
  } catch (error) {
    await stopProcess(child)
    throw error
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(false)
    }, timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

/** Sends SIGTERM (SIGKILL if it hangs) and resolves with the exit code. */
export async function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM')
    if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
      child.kill('SIGKILL')
      await waitForExit(child, STOP_TIMEOUT_MS)
    }
  }
  return child.exitCode
}
