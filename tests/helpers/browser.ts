import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { PROJECT_ROOT } from '../../src/paths.js'
import { createScratchDatabase, TEST_SERVER_URL } from './databases.js'
import { cliEnv, startServe, stopProcess } from './cli.js'
import { TEST_WHATSAPP } from './app.js'

/** Where browser tests leave their screenshots (git-ignored). */
export const SCREENSHOTS_DIR = join(PROJECT_ROOT, 'tests', 'browser', 'screenshots')

/** A `parley serve` process on its own fresh, empty database. */
export interface RunningParley {
  readonly baseUrl: string
  /** Its database, for steps that stand in for Meta's side (connecting a number). */
  readonly databaseUrl: string
  /** What the server printed so far, for failure messages. */
  output(): string
  /** SIGTERM, wait for the exit, then drop the database and the data directory. */
  stop(): Promise<void>
}

/**
 * Starts `node bin/parley.js serve` against a database created just for it, so the app sees a
 * first run (no workspace yet). The app migrates the database itself on start.
 */
export async function startParley(): Promise<RunningParley> {
  const database = await createScratchDatabase(TEST_SERVER_URL, 'parley_browser')
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-browser-'))
  const cleanUp = async () => {
    await database.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    const serve = await startServe(
      cliEnv({
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        WHATSAPP_APP_SECRET: TEST_WHATSAPP.appSecret,
        // Nothing leaves the machine: fetch refuses this port before connecting.
        META_GRAPH_URL: 'http://127.0.0.1:9',
      }),
    )
    return {
      baseUrl: `http://127.0.0.1:${serve.port}`,
      databaseUrl: database.url,
      output: () => serve.output(),
      stop: async () => {
        await stopProcess(serve.child)
        await cleanUp()
      },
    }
  } catch (error) {
    await cleanUp()
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
