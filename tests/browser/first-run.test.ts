import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import {
  deliverContactMessage,
  DESKTOP,
  launchChromium,
  openTwoPeople,
  openWatchedPage,
  screenshot,
  screenshotsAtTwoWidths,
  skipTheRestAfterAFailure,
  startParley,
  type RunningParley,
} from '../helpers/browser.js'
import { FakeMetaGraph } from '../fakes/meta-graph.js'

// One story, told in order by two people in two browser contexts: the owner who sets Parley up,
// and a salesperson the owner adds. Each step builds on the previous one, so after a failure the
// rest of the story is skipped rather than failing for the same reason.

const WORKSPACE = 'Greenhouse Plants'
const OWNER = {
  name: 'Olivia Owner',
  email: 'olivia@greenhouse.example',
  password: 'owner-pass-123',
}
const SALES = { name: 'Sam Sales', email: 'sam@greenhouse.example', password: 'sales-pass-456' }
const NEW_PASSWORDS = { owner: 'owner-pass-789-new', sales: 'sales-own-choice-1' }
const PHONE_NUMBER_ID = '106540352242922'
const WABA_ID = '102290129340398'
// The system user token the owner pastes; the fake Meta accepts only this one.
const ACCESS_TOKEN = 'EAAG-greenhouse-system-user-token-0123456789'

// Chromium logs every 4xx response as a console error. The 401 and 403 are the story's own doing.
const EXPECTED_CONSOLE_ERRORS = [
  /Failed to load resource: the server responded with a status of 401/, // wrong password
  /Failed to load resource: the server responded with a status of 422/, // wrong current password
  /Failed to load resource: the server responded with a status of 403/, // sales visits /users
  /Failed to load resource: the server responded with a status of 422/, // a mistyped token
]

let parley: RunningParley
let meta: FakeMetaGraph
let browser: Browser
let owner: Page
let sales: Page
const problems: string[] = []
const timings: Record<string, number> = {}
const cleanups: (() => Promise<void>)[] = []

function pathOf(page: Page): string {
  return new URL(page.url()).pathname
}

function openPage(context: BrowserContext): Promise<Page> {
  return openWatchedPage(context, problems)
}

async function mainText(page: Page): Promise<string> {
  return (await page.locator('main').textContent()) ?? ''
}

/** Stands in for Meta: delivers signed messages to the number the owner connected. */
async function receive(messages: { from: string; name: string; text: string }[]) {
  for (const message of messages) {
    await deliverContactMessage(parley, PHONE_NUMBER_ID, message)
  }
  // Processing runs in the server's background job; the page shows the result once it has.
  await expect
    .poll(
      async () => {
        await owner.goto('/contacts')
        return owner.getByRole('row').filter({ hasText: 'Ben Ode' }).count()
      },
      { timeout: 15_000, interval: 300 },
    )
    .toBe(1)
}

beforeAll(async () => {
  meta = new FakeMetaGraph({ version: 'v26.0', accessToken: ACCESS_TOKEN })
  meta.phoneNumbers.add({
    id: PHONE_NUMBER_ID,
    display_phone_number: '+1 555-078-3881',
    verified_name: WORKSPACE,
    quality_rating: 'GREEN',
  })
  const graph = await meta.start()
  cleanups.push(() => graph.close())
  const started = performance.now()
  parley = await startParley({ metaGraphUrl: graph.baseUrl })
  cleanups.push(() => parley.stop())
  timings.serverStartMs = performance.now() - started
  const launching = performance.now()
  browser = await launchChromium()
  cleanups.push(() => browser.close())
  timings.browserLaunchMs = performance.now() - launching
  ;({ owner, sales } = await openTwoPeople(browser, parley.baseUrl, problems))
  timings.storyStart = performance.now()
})

afterAll(async () => {
  timings.storyMs = performance.now() - (timings.storyStart ?? 0)
  // Browser first, then the server and its database; only what beforeAll got as far as starting.
  for (const cleanup of cleanups.reverse()) await cleanup()
  const round = (ms = 0) => `${Math.round(ms)} ms`
  console.info(
    `first-run timings: server start ${round(timings.serverStartMs)}, ` +
      `browser launch ${round(timings.browserLaunchMs)}, story ${round(timings.storyMs)}`,
  )
})

skipTheRestAfterAFailure()

describe('first run of a fresh Parley', () => {
  it('sends the first visitor to setup, which creates the workspace and signs the owner in', async () => {
    await owner.goto('/')
    expect(pathOf(owner)).toBe('/setup')
    await owner.getByRole('heading', { name: 'Create your workspace and owner account' }).waitFor()

    await owner.fill('#workspaceName', WORKSPACE)
    await owner.fill('#name', OWNER.name)
    await owner.fill('#email', OWNER.email)
    await owner.fill('#password', OWNER.password)
    await owner.getByRole('button', { name: 'Create workspace' }).click()
    await owner.waitForURL((url) => url.pathname === '/')

    expect(await owner.getByRole('heading', { level: 1 }).textContent()).toBe(WORKSPACE)
    const home = await mainText(owner)
    expect(home).toContain(OWNER.name)
    expect(home).toMatch(/role\s+owner/)
    expect(home).toContain('No WhatsApp business number is connected yet.')
    expect(
      await owner.getByRole('link', { name: /Settings › WhatsApp/ }).getAttribute('href'),
    ).toBe('/settings/whatsapp')
    const nav = owner.getByRole('navigation', { name: 'Main' })
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Home',
      'Inbox',
      'Contacts',
      'Templates',
      'Opt-out log',
      'Audit log',
      'Users',
      'Settings',
    ])
    expect(await owner.getByRole('button', { name: 'Log out' }).isVisible()).toBe(true)
    await screenshotsAtTwoWidths(owner, 'home')
  })

  it('lets the owner add a sales user in place, without reloading the page', async () => {
    await owner
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Users' })
      .click()
    await owner.waitForURL((url) => url.pathname === '/users')
    await owner.getByRole('heading', { name: 'Add a user' }).waitFor()
    await owner.evaluate('window.storyMarker = "same document"')

    await owner.fill('#new-name', SALES.name)
    await owner.fill('#new-email', SALES.email)
    await owner.fill('#new-password', SALES.password)
    await owner.selectOption('#new-role', 'sales')
    await owner.getByRole('button', { name: 'Add user' }).click()

    await owner
      .getByRole('status')
      .filter({ hasText: `Created ${SALES.email}` })
      .waitFor()
    const row = owner.getByRole('row').filter({ hasText: SALES.email })
    expect(await row.getByRole('cell').first().textContent()).toContain(SALES.name)
    expect(await owner.getByLabel(`Role of ${SALES.name}`).inputValue()).toBe('sales')
    expect(await owner.evaluate('window.storyMarker')).toBe('same document')
    expect(pathOf(owner)).toBe('/users')
    await screenshotsAtTwoWidths(owner, 'users')
  })

  it('signs the sales user in to the inbox, with no Home or Users area', async () => {
    await sales.goto('/login')
    await sales.fill('#email', SALES.email)
    await sales.fill('#password', SALES.password)
    await sales.getByRole('button', { name: 'Log in' }).click()
    await sales.waitForURL((url) => url.pathname === '/inbox')

    expect(await sales.getByRole('heading', { level: 1 }).textContent()).toBe('Inbox')
    expect(await sales.locator('.whoami').textContent()).toMatch(/Sam Sales\s+·\s+sales/)
    const nav = sales.getByRole('navigation', { name: 'Main' })
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Inbox',
      'Contacts',
      'Templates',
    ])
    await screenshot(sales, 'home-sales-desktop')
  })

  it('refuses the sales user the users page with a 403 page', async () => {
    const response = await sales.goto('/users')
    expect(response?.status()).toBe(403)
    expect(await sales.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Your role does not allow this',
    )
  })

  it('tells a visitor with a wrong password that the email or password is incorrect', async () => {
    // A third, signed-out browser, so the two people's sessions stay as they are.
    const visitorContext = await browser.newContext({ baseURL: parley.baseUrl, viewport: DESKTOP })
    const visitor = await openPage(visitorContext)
    await visitor.goto('/login')
    await visitor.fill('#email', SALES.email)
    await visitor.fill('#password', 'not-the-password')
    await visitor.getByRole('button', { name: 'Log in' }).click()

    const alert = visitor.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toContain('Email or password is incorrect')
    expect(pathOf(visitor)).toBe('/login')
    await visitorContext.close()
  })

  it("ends the sales user's sessions when the owner makes them a manager", async () => {
    await owner.getByLabel(`Role of ${SALES.name}`).selectOption('manager')
    await owner
      .getByRole('row')
      .filter({ hasText: SALES.email })
      .getByRole('button', { name: 'Change' })
      .click()
    await owner.getByRole('status').filter({ hasText: 'Role changed' }).waitFor()
    expect(await owner.getByLabel(`Role of ${SALES.name}`).inputValue()).toBe('manager')
    expect(await owner.evaluate('window.storyMarker')).toBe('same document')

    await sales.reload()
    expect(pathOf(sales)).toBe('/login')
    await sales.getByRole('heading', { name: 'Log in to Parley' }).waitFor()
  })

  it('lets the owner turn off storing message content on the Settings page', async () => {
    await owner
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Settings' })
      .click()
    await owner.waitForURL((url) => url.pathname === '/settings')
    const store = owner.getByLabel('Store message content')
    expect(await store.isChecked()).toBe(true)
    await store.uncheck()
    await owner.getByRole('button', { name: 'Save', exact: true }).click()
    await owner
      .getByRole('status')
      .filter({ hasText: 'Message content is no longer stored.' })
      .waitFor()
    expect(await owner.getByLabel('Store message content').isChecked()).toBe(false)
    expect(await mainText(owner)).toContain('No failed webhook deliveries.')
    await screenshotsAtTwoWidths(owner, 'settings')
  })

  it('connects WhatsApp from Settings, checked with Meta, and shows the number', async () => {
    await owner.getByRole('link', { name: /Connect a number/ }).click()
    await owner.waitForURL((url) => url.pathname === '/settings/whatsapp')
    expect(await mainText(owner)).toContain(`${parley.baseUrl}/webhooks/whatsapp`)
    await owner.evaluate('window.storyMarker = "whatsapp page"')

    await owner.fill('#phone-number-id', PHONE_NUMBER_ID)
    await owner.fill('#waba-id', WABA_ID)
    await owner.fill('#access-token', 'EAAG-a-token-copied-from-the-wrong-app')
    await owner.getByRole('button', { name: 'Check with Meta and save' }).click()
    const refused = owner.getByRole('alert').filter({ hasText: 'Meta refused the access token' })
    await refused.waitFor()
    expect(await refused.textContent()).toContain('Nothing was changed.')
    expect(await owner.inputValue('#phone-number-id')).toBe(PHONE_NUMBER_ID)
    expect(await owner.inputValue('#access-token')).toBe('')
    await screenshot(owner, 'settings-whatsapp-refused-desktop')
    // The mistyped token reached the fake Meta, which says so; nothing else may have gone wrong.
    expect(meta.problems).toEqual([
      `GET /v26.0/${PHONE_NUMBER_ID}: Authorization is not the expected Bearer token`,
    ])
    meta.problems.length = 0

    await owner.fill('#access-token', ACCESS_TOKEN)
    await owner.getByRole('button', { name: 'Check with Meta and save' }).click()
    await owner.getByRole('status').filter({ hasText: 'Connected to +1 555-078-3881.' }).waitFor()
    const number = await owner.locator('.facts').textContent()
    expect(number).toContain(WORKSPACE)
    expect(number).toContain('High (green)')
    expect(await owner.getByLabel('Access token').getAttribute('aria-describedby')).toBe(
      'access-token-hint',
    )
    expect(await mainText(owner)).toContain('Leave this empty to keep the current token')
    expect(await owner.evaluate('window.storyMarker')).toBe('whatsapp page')
    expect(await owner.content()).not.toContain(ACCESS_TOKEN)
    expect(meta.problems).toEqual([])
    await screenshotsAtTwoWidths(owner, 'settings-whatsapp')
  })

  it('shows a STOP as opted out even without stored content, and the owner opts a contact out by hand', async () => {
    await receive([
      { from: '15550100001', name: 'Ana Lima', text: 'Hello, is the fern in stock?' },
      { from: '15550100002', name: 'Ben Ode', text: 'STOP' },
    ])
    const nav = owner.getByRole('navigation', { name: 'Main' })
    await nav.getByRole('link', { name: 'Contacts' }).click()
    await owner.waitForURL((url) => url.pathname === '/contacts')
    const row = (name: string) => owner.getByRole('row').filter({ hasText: name })
    expect(await row('Ben Ode').textContent()).toContain('Opted out')
    expect(await row('Ana Lima').textContent()).toContain('Subscribed')
    await screenshotsAtTwoWidths(owner, 'contacts')

    await row('Ana Lima').getByRole('link', { name: 'Ana Lima' }).click()
    await owner.getByRole('heading', { name: 'Consent', exact: true }).waitFor()
    await owner.evaluate('window.storyMarker = "contact page"')
    await owner.fill('#out-reason', 'Asked on the phone')
    await owner.getByRole('button', { name: 'Opt out', exact: true }).click()
    const panel = owner.locator('#consent-panel')
    await panel.getByRole('status').waitFor()
    expect(await panel.textContent()).toContain('Opted out')
    expect(await panel.textContent()).toContain('Asked on the phone')
    expect(await owner.evaluate('window.storyMarker')).toBe('contact page')
    await screenshotsAtTwoWidths(owner, 'contact')

    await nav.getByRole('link', { name: 'Opt-out log' }).click()
    await owner.waitForURL((url) => url.pathname === '/opt-outs')
    const log = await mainText(owner)
    expect(log).toContain('Asked on the phone')
    expect(log).toContain(OWNER.email)
    expect(log.replace(/\s+/g, ' ')).toContain(
      'Ben Ode +15550100002 All messages Keyword (STOP, START…) stop · en the contact',
    )
    await screenshotsAtTwoWidths(owner, 'opt-out-log')
  })

  it("lets the owner reset the sales user's password; its first use leads to /account", async () => {
    await owner
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Users' })
      .click()
    await owner.waitForURL((url) => url.pathname === '/users')
    owner.once('dialog', (dialog) => void dialog.accept())
    await owner
      .getByRole('row')
      .filter({ hasText: SALES.email })
      .getByRole('button', { name: 'Reset password' })
      .click()
    const shown = owner.getByRole('status').filter({ hasText: 'Temporary password for' })
    await shown.waitFor()
    const temporary = (await shown.locator('code').textContent()) ?? ''
    expect(temporary).toMatch(/^[\w-]{16}$/)
    await screenshotsAtTwoWidths(owner, 'users-reset')

    await sales.goto('/login')
    await sales.fill('#email', SALES.email)
    await sales.fill('#password', temporary)
    await sales.getByRole('button', { name: 'Log in' }).click()
    await sales.waitForURL((url) => url.pathname === '/account')
    expect(await sales.getByRole('alert').textContent()).toContain('set by someone else')
    await sales.goto('/contacts')
    expect(pathOf(sales)).toBe('/account')
    await sales.fill('#current', temporary)
    await sales.fill('#next', NEW_PASSWORDS.sales)
    await sales.fill('#repeat', NEW_PASSWORDS.sales)
    await sales.getByRole('button', { name: 'Change password' }).click()
    await sales.getByRole('status').filter({ hasText: 'Password changed' }).waitFor()
    await sales.goto('/contacts')
    expect(pathOf(sales)).toBe('/contacts')
  })

  it('lets the owner change a password at /account, log out, and log in with the new one', async () => {
    await owner.locator('.whoami').getByRole('link', { name: OWNER.name }).click()
    await owner.waitForURL((url) => url.pathname === '/account')
    await owner.fill('#current', 'not the password at all')
    await owner.fill('#next', NEW_PASSWORDS.owner)
    await owner.fill('#repeat', NEW_PASSWORDS.owner)
    await owner.getByRole('button', { name: 'Change password' }).click()
    expect(await owner.getByRole('alert').textContent()).toContain('current password is not right')
    await owner.fill('#current', OWNER.password)
    await owner.fill('#next', NEW_PASSWORDS.owner)
    await owner.fill('#repeat', NEW_PASSWORDS.owner)
    await owner.getByRole('button', { name: 'Change password' }).click()
    await owner.getByRole('status').filter({ hasText: 'Password changed' }).waitFor()
    await screenshotsAtTwoWidths(owner, 'account')

    await owner.getByRole('button', { name: 'Log out' }).click()
    await owner.waitForURL((url) => url.pathname === '/login')
    await owner.fill('#email', OWNER.email)
    await owner.fill('#password', NEW_PASSWORDS.owner)
    await owner.getByRole('button', { name: 'Log in' }).click()
    await owner.waitForURL((url) => url.pathname === '/')
    expect(await owner.getByRole('heading', { level: 1 }).textContent()).toBe(WORKSPACE)
  })

  it('logs the owner out to the login page', async () => {
    await owner.getByRole('button', { name: 'Log out' }).click()
    await owner.waitForURL((url) => url.pathname === '/login')
    await owner.goto('/')
    expect(pathOf(owner)).toBe('/login')
  })

  it('raised no Content-Security-Policy violations or JavaScript errors on the way', () => {
    const unexpected = problems.filter(
      (problem) => !EXPECTED_CONSOLE_ERRORS.some((expected) => expected.test(problem)),
    )
    expect(unexpected).toEqual([])
  })
})
