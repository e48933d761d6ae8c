import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import pg from 'pg'
import { chromium, type Browser, type Page } from 'playwright-core'
import { PROJECT_ROOT } from '../../src/paths.js'

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres'
const START_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 30_000

/** Where browser tests leave their screenshots (git-ignored). */
export const SCREENSHOTS_DIR = join(PROJECT_ROOT, 'tests', 'browser', 'screenshots')

/** A `parley serve` process on its own fresh, empty database. */
export interface RunningParley {
  readonly baseUrl: string
  /** What the server printed so far, for failure messages. */
  output(): string
  /** SIGTERM, wait for the exit, then drop the database and the data directory. */
  stop(): Promise<void>
}

async function adminQuery(serverUrl: string, sql: string) {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
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

function waitForPort(child: ChildProcess, output: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Parley did not start within ${START_TIMEOUT_MS} ms:\n${output()}`))
    }, START_TIMEOUT_MS)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`Parley exited with code ${String(code)} before listening:\n${output()}`))
    })
    if (!child.stdout) throw new Error('no stdout')
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: unknown; port?: unknown }
        if (entry.msg === 'Parley is listening' && typeof entry.port === 'number') {
          clearTimeout(timer)
          resolve(entry.port)
        }
      } catch {
        // not a log line
      }
    })
  })
}

/**
 * Starts `node bin/parley.js serve` against a database created just for it, so the app sees a
 * first run (no workspace yet). The app migrates the database itself on start.
 */
export async function startParley(): Promise<RunningParley> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_SERVER
  const name = `parley_browser_${Date.now()}_${randomBytes(3).toString('hex')}`
  await adminQuery(serverUrl, `create database ${name}`)
  const databaseUrl = new URL(serverUrl)
  databaseUrl.pathname = `/${name}`
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-browser-'))

  let log = ''
  const child = spawn(process.execPath, ['bin/parley.js', 'serve'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl.toString(),
      DATA_DIR: dataDir,
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SESSION_SECRET: randomBytes(32).toString('base64url'),
    },
  })
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
        child.kill('SIGKILL')
        await waitForExit(child, STOP_TIMEOUT_MS)
      }
    }
    await adminQuery(serverUrl, `drop database if exists ${name} with (force)`)
    rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    const port = await waitForPort(child, () => log)
    return { baseUrl: `http://127.0.0.1:${port}`, output: () => log, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** Debian's Chromium, headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}

/**
 * Records everything a page complains about: console errors, uncaught exceptions and
 * Content-Security-Policy violations (reported from the page's own `securitypolicyviolation`).
 */
export async function watchForProblems(page: Page, problems: string[]): Promise<void> {
  const where = () => new URL(page.url()).pathname
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const source = message.location().url
    problems.push(`console error on ${where()}: ${message.text()}${source ? ` (${source})` : ''}`)
  })
  page.on('pageerror', (error) => problems.push(`page error on ${where()}: ${error.message}`))
  await page.exposeFunction('reportCspViolation', (text: string) => {
    problems.push(`CSP violation on ${where()}: ${text}`)
  })
  await page.addInitScript(`
    document.addEventListener('securitypolicyviolation', (event) => {
      const element = event.target instanceof Element ? event.target.outerHTML.slice(0, 120) : ''
      window.reportCspViolation(
        event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') +
          ' at ' + (event.sourceFile || '?') + ':' + event.lineNumber + ' ' + element,
      )
    })
  `)
}

/** Saves a full-page screenshot as `<name>.png` in SCREENSHOTS_DIR. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true })
  // caret: 'initial' leaves the DOM alone. Hiding the caret (the default) leaves `style=""` on every
  // input, which htmx's next swap copies onto the new inputs: a CSP violation the app never caused.
  await page.screenshot({
    path: join(SCREENSHOTS_DIR, `${name}.png`),
    fullPage: true,
    caret: 'initial',
  })
}
