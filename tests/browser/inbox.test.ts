import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Browser, Page } from 'playwright-core'
import {
  deliverContactMessage,
  deliverWebhook,
  launchChromium,
  openTwoPeople,
  screenshotsAtTwoWidths,
  skipTheRestAfterAFailure,
  startParley,
  type RunningParley,
} from '../helpers/browser.js'
import { envelope } from '../helpers/inbound.js'
import { metaTemplate } from '../helpers/templates.js'
import { FakeMetaGraph, graphError } from '../fakes/meta-graph.js'
import { recipientOf, type RecordedSend } from '../fakes/meta-graph-sends.js'

// The inbox told as one story by two people in two browser contexts: an owner who runs the
// workspace and a sales agent who answers customers. Parley runs as `parley serve` with its real
// background jobs, and talks to a fake Meta started here. Each step builds on the previous one,
// so after a failure the rest is skipped rather than failing for the same reason.

const GRAPH_VERSION = 'v26.0'
const ACCESS_TOKEN = 'EAAG-inbox-story-token'
const PHONE_NUMBER_ID = '106540352242922'
const WABA_ID = '102290129340398'
const WORKSPACE = 'Fernhill Nursery'
const OWNER = { name: 'Olga Owner', email: 'olga@fernhill.example', password: 'owner-pass-123' }
const SALES = { name: 'Sam Sales', email: 'sam@fernhill.example', password: 'sales-pass-456' }
// Indian numbers, so the masked form is the one the settings page promises: +91 ••••• 43210.
const ANA = { phone: '919876543210', name: 'Ana Lima' }
const RAVI = { phone: '919812345678', name: 'Ravi Kumar' }
const MEERA = { phone: '919900011122', name: 'Meera Das' }
const KIRAN = { phone: '919811122233', name: 'Kiran Rao' }
const TEMPLATE = 'order_ready'
// The live feed polls the database every second and background jobs poll too: allow for a few
// rounds of both on a busy machine.
const LIVE = { timeout: 15_000 }

// Chromium logs every 4xx response as a console error; the 403 is the story's own doing.
const EXPECTED_CONSOLE_ERRORS = [
  /Failed to load resource: the server responded with a status of 403/, // sales visits /audit
  // The story's restarting server refuses the stream's first connection; Chromium and htmx log it.
  /Failed to load resource: net::ERR_CONNECTION_REFUSED \(http:\/\/127\.0\.0\.1:\d+\/inbox\/events\)/,
  /htmx:error/,
]

let meta: FakeMetaGraph
let parley: RunningParley
let browser: Browser
let owner: Page
let sales: Page
const problems: string[] = []
const timings: Record<string, number> = {}
let anaFirstWamid = ''
const cleanups: (() => Promise<void>)[] = []

async function pageText(page: Page): Promise<string> {
  return (await page.locator('body').textContent()) ?? ''
}

/** A contact writes to the business number; returns the wamid. */
function contactWrites(contact: { phone: string; name: string }, text: string, at?: Date) {
  const message = { from: contact.phone, name: contact.name, text, ...(at && { at }) }
  return deliverContactMessage(parley, PHONE_NUMBER_ID, message)
}

/** Meta reports that a message Parley sent reached the contact's phone. */
async function deliveredArrives(wamid: string, phone: string) {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const statuses = [{ id: wamid, status: 'delivered' as const, timestamp, recipient_id: phone }]
  const body = envelope(PHONE_NUMBER_ID, { statuses })
  expect(await deliverWebhook(parley, body)).toBe(200)
}

/** Sends the fake Meta accepted for this number, with or without the leading +. */
function sendsTo(phone: string): RecordedSend[] {
  return meta.sends.filter((send) => recipientOf(send.body)?.replace(/^\+/, '') === phone)
}

async function logIn(page: Page, user: { email: string; password: string }) {
  await page.goto('/login')
  await page.fill('#email', user.email)
  await page.fill('#password', user.password)
  await page.getByRole('button', { name: 'Log in' }).click()
}

function replyBox() {
  return sales.getByRole('textbox', { name: 'Reply' })
}

function nav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' })
}

/** The owner turns on one of the Inbox settings on the Settings page and saves. */
async function turnOnInboxSetting(label: string) {
  await nav(owner).getByRole('link', { name: 'Settings' }).click()
  await owner.waitForURL((url) => url.pathname === '/settings')
  await owner.getByLabel(label).check()
  await owner.getByRole('button', { name: 'Save inbox settings' }).click()
  await owner.getByRole('status').waitFor()
  expect(await owner.getByLabel(label).isChecked()).toBe(true)
}

beforeAll(async () => {
  const started = performance.now()
  meta = new FakeMetaGraph({ version: GRAPH_VERSION, accessToken: ACCESS_TOKEN })
  const fake = await meta.start()
  cleanups.push(() => fake.close())
  parley = await startParley({ metaGraphUrl: fake.baseUrl })
  cleanups.push(() => parley.stop())
  const workspace = await parley.cli([
    ...['workspace:create', '--name', WORKSPACE, '--phone-number-id', PHONE_NUMBER_ID],
    ...['--access-token', ACCESS_TOKEN, '--waba-id', WABA_ID],
  ])
  const people = [
    { ...OWNER, role: 'owner' },
    { ...SALES, role: 'sales' },
  ]
  for (const { role, ...user } of people) {
    await parley.cli([
      ...['user:create', '--workspace', String(workspace.id), '--role', role],
      ...['--email', user.email, '--password', user.password, '--name', user.name],
    ])
  }
  timings.setUpMs = performance.now() - started
  browser = await launchChromium()
  cleanups.push(() => browser.close())
  ;({ owner, sales } = await openTwoPeople(browser, parley.baseUrl, problems))
  // Setup, not a step of the story: the owner hands new conversations to sales users in turn.
  await logIn(owner, OWNER)
  await owner.waitForURL((url) => url.pathname === '/')
  await turnOnInboxSetting('Assign new conversations to sales users in turn')
  timings.storyStart = performance.now()
})

afterAll(async () => {
  timings.storyMs = performance.now() - (timings.storyStart ?? 0)
  // Browser first, then the server and its database, then the fake Meta.
  for (const cleanup of cleanups.reverse()) await cleanup()
  const round = (ms = 0) => `${Math.round(ms)} ms`
  console.info(
    `inbox timings: fake Meta + server + CLI set-up ${round(timings.setUpMs)}, ` +
      `story ${round(timings.storyMs)}`,
  )
})

skipTheRestAfterAFailure()

describe('answering WhatsApp conversations in the inbox', () => {
  it("shows a contact's first message in the agent's open inbox without a reload", async () => {
    await logIn(sales, SALES)
    await sales.waitForURL((url) => url.pathname === '/inbox')
    await sales.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor()
    const list = sales.locator('#inbox-list')
    expect(await list.textContent()).toContain('No conversations here yet')
    await sales.evaluate('window.storyMarker = "inbox"')

    anaFirstWamid = await contactWrites(ANA, 'Hello, is the monstera still in stock?')

    const row = list.locator('li.conversation-row').filter({ hasText: ANA.name })
    await row.waitFor(LIVE)
    const text = (await row.textContent()) ?? ''
    expect(text).toContain('Hello, is the monstera still in stock?')
    expect(text).toContain('1 unread')
    expect(text).toContain(`Assigned to ${SALES.name}`)
    expect(text).toContain(`+${ANA.phone}`)
    expect(await sales.evaluate('window.storyMarker')).toBe('inbox')
    expect(new URL(sales.url()).pathname).toBe('/inbox')
    await screenshotsAtTwoWidths(sales, 'inbox')
  })

  it('starts its live stream again when the first connection fails, and catches up', async () => {
    // The stream cannot connect, as while the server restarts; once it can, the page must
    // connect by itself and fetch what it missed.
    let serverUp = false
    let refused = 0
    await sales.route('**/inbox/events', async (route) => {
      if (serverUp) return route.continue()
      refused += 1
      return route.abort('connectionrefused')
    })
    await sales.goto('/inbox')
    await sales.bringToFront()
    await sales.evaluate('window.storyMarker = "inbox"')
    await expect.poll(() => refused, LIVE).toBeGreaterThan(0)
    await contactWrites(MEERA, 'Do you deliver on Sundays?')
    // The owner's live inbox shows it: the message is stored and processed.
    await owner.goto('/inbox?view=all')
    await owner.locator('li.conversation-row').filter({ hasText: MEERA.name }).waitFor(LIVE)
    // Past the live feed's look-back, so only the new connection's resync can bring it.
    await sleep(3_500)
    const list = sales.locator('#inbox-list')
    expect(await list.textContent()).not.toContain(MEERA.name)

    serverUp = true
    await list.locator('li.conversation-row').filter({ hasText: MEERA.name }).waitFor(LIVE)
    expect(await sales.evaluate('window.storyMarker')).toBe('inbox')
    await sales.unroute('**/inbox/events')
  })

  it('sends the reply typed in the thread on Enter and shows it delivered, live', async () => {
    await sales.getByRole('link', { name: new RegExp(ANA.name) }).click()
    await sales.waitForURL((url) => url.pathname.startsWith('/conversations/'))
    await sales.getByRole('heading', { name: ANA.name, level: 1 }).waitFor()
    await sales.evaluate('window.storyMarker = "thread"')
    const reply = 'Yes! We have three. Shall I keep one for you?'

    await replyBox().fill(reply)
    await replyBox().press('Enter')

    const mine = sales.locator('#thread li.msg-outbound').filter({ hasText: reply })
    // "At once": the answer to the post tells the thread to refresh, no feed round needed.
    await mine.waitFor({ timeout: 5_000 })
    expect(await mine.locator('.delivery').textContent()).toMatch(
      /^(Sending…|Accepted by WhatsApp|Delivered)$/,
    )
    expect(await replyBox().inputValue()).toBe('')
    await expect.poll(() => sendsTo(ANA.phone).length, LIVE).toBe(1)
    const [sent] = sendsTo(ANA.phone)
    expect(sent?.body).toMatchObject({ type: 'text', text: { body: reply } })
    // Opening the thread gave the contact blue ticks (the workspace's default), by a job.
    await expect.poll(() => meta.reads.map((read) => read.wamid), LIVE).toContain(anaFirstWamid)

    await deliveredArrives(sent?.wamid ?? '', ANA.phone)
    await mine.locator('.delivery', { hasText: /^Delivered$/ }).waitFor(LIVE)
    expect(await sales.evaluate('window.storyMarker')).toBe('thread')
    await screenshotsAtTwoWidths(sales, 'thread')
  })

  it("turns the open thread's composer into the opted-out notice when the contact sends STOP", async () => {
    await contactWrites(ANA, 'STOP')

    const composer = sales.locator('#composer')
    await composer.getByRole('heading', { name: 'Opted out' }).waitFor(LIVE)
    expect(await composer.textContent()).toMatch(/This contact opted out on .+“stop”/)
    expect(await replyBox().count()).toBe(0)
    expect(await composer.getByRole('button').count()).toBe(0)
    expect(await sales.evaluate('window.storyMarker')).toBe('thread')
    await sales.locator('#thread li.msg-inbound').filter({ hasText: 'STOP' }).waitFor(LIVE)

    // Parley confirms the opt-out once, and then nothing more goes to this number.
    await expect.poll(() => sendsTo(ANA.phone).length, LIVE).toBe(2)
    const confirmation = sendsTo(ANA.phone)[1]
    expect(confirmation?.body).toMatchObject({
      type: 'text',
      text: { body: expect.stringContaining('reply START') as unknown },
    })
    // The contact panel beside the thread follows too, still without a reload.
    await sales.locator('#profile-panel').getByText('Opted out').waitFor(LIVE)
    expect(await sales.evaluate('window.storyMarker')).toBe('thread')
    await sleep(4_000)
    expect(sendsTo(ANA.phone)).toHaveLength(2)
    await screenshotsAtTwoWidths(sales, 'thread-opted-out')

    // A reload shows the same: the opt-out, and no form.
    await sales.reload()
    expect(await sales.locator('#profile-panel').textContent()).toContain('Opted out')
    expect(await replyBox().count()).toBe(0)
  })

  it('offers only templates once the 24-hour window has closed, and sends one', async () => {
    const dayAndAnHourAgo = new Date(Date.now() - 25 * 60 * 60 * 1000)
    await contactWrites(RAVI, 'Is my order ready?', dayAndAnHourAgo)
    meta.templates.set(WABA_ID, [
      metaTemplate(TEMPLATE, {
        components: [{ type: 'BODY', text: 'Hello {{1}}, your order is ready for pickup.' }],
      }),
    ])

    await nav(owner).getByRole('link', { name: 'Templates' }).click()
    await owner.waitForURL((url) => url.pathname === '/templates')
    await owner.getByRole('button', { name: 'Sync with Meta now' }).click()
    await owner.getByRole('status').filter({ hasText: 'Synced 1 template from Meta.' }).waitFor()
    expect(await owner.getByRole('row').filter({ hasText: TEMPLATE }).textContent()).toContain(
      'Hello {{1}}, your order is ready for pickup.',
    )
    await screenshotsAtTwoWidths(owner, 'templates')

    await nav(sales).getByRole('link', { name: 'Inbox' }).click()
    await sales.waitForURL((url) => url.pathname === '/inbox')
    await sales.getByRole('link', { name: new RegExp(RAVI.name) }).click()
    await sales.getByRole('heading', { name: RAVI.name, level: 1 }).waitFor()
    const composer = sales.locator('#composer')
    expect(await replyBox().count()).toBe(0)
    expect(await composer.getByRole('status').textContent()).toContain(
      'More than 24 hours have passed',
    )
    await composer.getByLabel('Body {{1}}').fill('Ravi')
    await screenshotsAtTwoWidths(sales, 'thread-window-closed')
    await composer.getByRole('button', { name: `Send template ${TEMPLATE}` }).click()

    await expect.poll(() => sendsTo(RAVI.phone).length, LIVE).toBe(1)
    expect(sendsTo(RAVI.phone)[0]?.body).toMatchObject({
      type: 'template',
      template: {
        name: TEMPLATE,
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ravi' }] }],
      },
    })
    await sales.locator('#thread li.msg-outbound').waitFor(LIVE)
  })

  it('refuses the agent the audit log, and hides full numbers from them once the owner says so', async () => {
    const refused = await sales.goto('/audit')
    expect(refused?.status()).toBe(403)
    expect(await sales.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Your role does not allow this',
    )

    await turnOnInboxSetting('Hide full phone numbers from sales users')

    const full = [ANA.phone, RAVI.phone].map((phone) => phone.slice(2))
    await sales.goto('/inbox?view=all')
    await sales.locator('li.conversation-row').filter({ hasText: RAVI.name }).waitFor()
    const inbox = await sales.content()
    for (const digits of full) expect(inbox).not.toContain(digits)
    expect(await pageText(sales)).toContain('+91 ••••• 43210')
    expect(await pageText(sales)).toContain('+91 ••••• 45678')
    await screenshotsAtTwoWidths(sales, 'inbox-masked')

    await sales.getByRole('link', { name: new RegExp(RAVI.name) }).click()
    await sales.getByRole('heading', { name: RAVI.name, level: 1 }).waitFor()
    expect(await sales.content()).not.toContain(full[1])
    expect(await pageText(sales)).toContain('+91 ••••• 45678')

    await owner.goto(sales.url())
    await owner.getByRole('heading', { name: RAVI.name, level: 1 }).waitFor()
    expect(await pageText(owner)).toContain(`+${RAVI.phone}`)
  })

  it('shows an agent the paused banner once Meta rejects the token, and their reply waits', async () => {
    await contactWrites(KIRAN, 'Can I pick up a fern today?')
    await sales.goto('/inbox')
    await sales.getByRole('link', { name: new RegExp(KIRAN.name) }).click()
    await sales.getByRole('heading', { name: KIRAN.name, level: 1 }).waitFor()
    // Meta answers the next send with 190: the token expired. The workspace pauses and the
    // reply goes back to the queue, where it waits for the resume instead of "Sending…".
    meta.failSends(graphError(401, 190, 'Error validating access token: Session has expired'))
    await replyBox().fill('Yes, until 6 pm.')
    await replyBox().press('Enter')
    const reply = sales.locator('#thread li.msg-outbound').filter({ hasText: 'Yes, until 6 pm.' })
    await reply.locator('.delivery', { hasText: 'Waiting: sending is paused' }).waitFor(LIVE)

    await sales.goto('/inbox')
    const banner = sales.getByRole('alert').filter({ hasText: 'Sending is paused' })
    await banner.waitFor()
    expect(await banner.textContent()).toContain('WhatsApp rejected the access token')
    expect(await banner.textContent()).toContain('An owner or admin can resume it under Settings')
    const tabs = sales.getByRole('navigation', { name: 'Inbox views' })
    expect(await tabs.textContent()).toMatch(/Mine \+ unassigned\s*\d+/)
    await screenshotsAtTwoWidths(sales, 'inbox-paused')

    await sales.getByRole('link', { name: new RegExp(KIRAN.name) }).click()
    await sales.getByRole('heading', { name: KIRAN.name, level: 1 }).waitFor()
    await banner.waitFor()
    await screenshotsAtTwoWidths(sales, 'thread-paused')

    // The owner resumes (the banner links them there) and the waiting reply goes out.
    await owner.goto('/inbox')
    await owner.getByRole('link', { name: 'Resume it under Settings' }).click()
    await owner.getByRole('button', { name: 'Resume sending' }).click()
    await owner.getByText('Sending resumed').waitFor()
    await expect.poll(() => sendsTo(KIRAN.phone).length, LIVE).toBe(1)
    await reply.locator('.delivery', { hasText: /^(Accepted by WhatsApp|Sent)$/ }).waitFor(LIVE)
  })

  it('raised no CSP violations or JavaScript errors, and sent Meta only valid requests', () => {
    const unexpected = problems.filter(
      (problem) => !EXPECTED_CONSOLE_ERRORS.some((expected) => expected.test(problem)),
    )
    expect(unexpected).toEqual([])
    expect(meta.problems).toEqual([])
  })
})
