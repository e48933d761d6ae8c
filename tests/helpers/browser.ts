import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach } from 'vitest'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { PROJECT_ROOT } from '../../src/paths.js'
import { createScratchDatabase, TEST_SERVER_URL } from './databases.js'
import { cliEnv, runCli, startServe, stopProcess } from './cli.js'
import { TEST_WHATSAPP } from './app.js'
import { signBody } from '../../src/whatsapp/signature.js'
import { inboundMessage, randomWamid } from './inbound.js'

/** Where browser tests leave their screenshots (git-ignored). */
export const SCREENSHOTS_DIR = join(PROJECT_ROOT, 'tests', 'browser', 'screenshots')

/** A `parley serve` process on its own fresh, empty database. */
export interface RunningParley {
  readonly baseUrl: string
  /** Its database, for steps that stand in for Meta's side (connecting a number). */
  readonly databaseUrl: string
  /** What the server printed so far, for failure messages. */
  output(): string
  /** Runs `parley <args>` with the server's own settings (same database and keys); its JSON. */
  cli(args: string[]): Promise<Record<string, unknown>>
  /** SIGTERM, wait for the exit, then drop the database and the data directory. */
  stop(): Promise<void>
}

/** How a story's Parley differs from the default one. */
export interface ParleyOptions {
  /** Where Parley finds Meta's Graph API, e.g. a FakeMetaGraph the test started. */
  readonly metaGraphUrl?: string
}

// Nothing leaves the machine by default: fetch refuses this port before connecting.
const CLOSED_PORT_URL = 'http://127.0.0.1:9'

/**
 * Starts `node bin/parley.js serve` against a database created just for it, so the app sees a
 * first run (no workspace yet). The app migrates the database itself on start.
 */
export async function startParley(options: ParleyOptions = {}): Promise<RunningParley> {
  const database = await createScratchDatabase(TEST_SERVER_URL, 'parley_browser')
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-browser-'))
  const cleanUp = async () => {
    await database.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    // One environment for the server and the CLI: the CLI must encrypt with the server's key.
    const env = cliEnv({
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      WHATSAPP_APP_SECRET: TEST_WHATSAPP.appSecret,
      META_GRAPH_URL: options.metaGraphUrl ?? CLOSED_PORT_URL,
    })
    const serve = await startServe(env)
    return {
      baseUrl: `http://127.0.0.1:${serve.port}`,
      databaseUrl: database.url,
      output: () => serve.output(),
      cli: async (args) => {
        const result = await runCli(args, env)
        if (result.code !== 0) {
          throw new Error(
            `parley ${args[0] ?? ''} exited with ${String(result.code)}: ${result.stderr}`,
          )
        }
        return JSON.parse(result.stdout) as Record<string, unknown>
      },
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
  // caret: 'initial' leaves the DOM alone: hiding the caret (the default) leaves `style=""` on
  // every input, which the story's pages would then carry.
  await page.screenshot({
    path: join(SCREENSHOTS_DIR, `${name}.png`),
    fullPage: true,
    caret: 'initial',
  })
}

/** The two widths every story screenshot is taken at: a laptop and a small phone. */
export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 360, height: 740 }

/** Saves `<name>-desktop.png` and `<name>-360.png`, and leaves the page at desktop width. */
export async function screenshotsAtTwoWidths(page: Page, name: string): Promise<void> {
  await screenshot(page, `${name}-desktop`)
  await page.setViewportSize(PHONE)
  await screenshot(page, `${name}-360`)
  await page.setViewportSize(DESKTOP)
}

/** What a contact writes to a business number, under their WhatsApp profile name. */
export interface ContactMessage {
  readonly from: string
  readonly name: string
  readonly text: string
  readonly at?: Date
}

/**
 * Meta's side: delivers one contact message to `phoneNumberId` as a signed webhook, which
 * Parley must take with a 200; resolves with the message's wamid.
 */
export async function deliverContactMessage(
  parley: RunningParley,
  phoneNumberId: string,
  { name, ...message }: ContactMessage,
): Promise<string> {
  const wamid = randomWamid()
  const body = inboundMessage(phoneNumberId, { ...message, wamid })
  const status = await deliverWebhook(parley, body.replace(/"Contact \d{4}"/, JSON.stringify(name)))
  if (status !== 200) throw new Error(`the webhook for ${message.from} answered ${status}`)
  return wamid
}

/** Meta's side: posts a webhook body signed with the test app secret; resolves with the status. */
export async function deliverWebhook(parley: RunningParley, body: string): Promise<number> {
  const response = await fetch(`${parley.baseUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signBody(body, TEST_WHATSAPP.appSecret),
    },
    body,
  })
  return response.status
}

/** A new page in `context` whose complaints (see watchForProblems) land in `problems`. */
export async function openWatchedPage(context: BrowserContext, problems: string[]): Promise<Page> {
  const page = await context.newPage()
  await watchForProblems(page, problems)
  return page
}

/** Two people's watched pages, each in a browser context of its own (own cookies), desktop size. */
export async function openTwoPeople(browser: Browser, baseURL: string, problems: string[]) {
  const open = async () =>
    openWatchedPage(await browser.newContext({ baseURL, viewport: DESKTOP }), problems)
  return { owner: await open(), sales: await open() }
}

/**
 * Makes a file's `it` steps one story: once a step fails, the later ones are skipped rather than
 * failing for the same reason.
 */
export function skipTheRestAfterAFailure(): void {
  let broken = false
  beforeEach(({ skip, onTestFailed }) => {
    if (broken) skip('an earlier step of the story failed')
    onTestFailed(() => {
      broken = true
    })
  })
}
