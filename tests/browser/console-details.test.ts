import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  deliverContactMessage,
  launchChromium,
  openTwoPeople,
  skipTheRestAfterAFailure,
  startParley,
  type RunningParley,
} from '../helpers/browser.js'
import { FakeMetaGraph } from '../fakes/meta-graph.js'

// Small things an agent notices: a send raises no CSP violation even after they resized the reply
// box (Chromium keeps the new size in a style attribute), a draft survives the composer
// refreshing when the contact writes again, and a background inbox tab counts unread conversations.

const GRAPH_VERSION = 'v26.0'
const ACCESS_TOKEN = 'EAAG-composer-story-token'
const PHONE_NUMBER_ID = '106540352242923'
const WABA_ID = '102290129340399'
const SALES = { name: 'Sid Sales', email: 'sid@composer.example', password: 'sales-pass-456' }
const CONTACT = { phone: '919876500011', name: 'Lina Costa' }
const LIVE = { timeout: 15_000 }

let meta: FakeMetaGraph
let parley: RunningParley
let browser: Browser
let sales: Page
const problems: string[] = []
const cleanups: (() => Promise<void>)[] = []

function contactWrites(text: string, contact = CONTACT) {
  const message = { from: contact.phone, name: contact.name, text }
  return deliverContactMessage(parley, PHONE_NUMBER_ID, message)
}

function replyBox() {
  return sales.getByRole('textbox', { name: 'Reply' })
}

beforeAll(async () => {
  meta = new FakeMetaGraph({ version: GRAPH_VERSION, accessToken: ACCESS_TOKEN })
  const fake = await meta.start()
  cleanups.push(() => fake.close())
  parley = await startParley({ metaGraphUrl: fake.baseUrl })
  cleanups.push(() => parley.stop())
  const workspace = await parley.cli([
    ...['workspace:create', '--name', 'Composer Plants', '--phone-number-id', PHONE_NUMBER_ID],
    ...['--access-token', ACCESS_TOKEN, '--waba-id', WABA_ID],
  ])
  await parley.cli([
    ...['user:create', '--workspace', String(workspace.id), '--role', 'sales'],
    ...['--email', SALES.email, '--password', SALES.password, '--name', SALES.name],
  ])
  browser = await launchChromium()
  cleanups.push(() => browser.close())
  ;({ sales } = await openTwoPeople(browser, parley.baseUrl, problems))
  await contactWrites('Hi, do you ship to Goa?')
  await sales.goto('/login')
  await sales.fill('#email', SALES.email)
  await sales.fill('#password', SALES.password)
  await sales.getByRole('button', { name: 'Log in' }).click()
  await sales.waitForURL((url) => url.pathname === '/inbox')
  await sales.getByRole('link', { name: new RegExp(CONTACT.name) }).click()
  await sales.getByRole('heading', { name: CONTACT.name, level: 1 }).waitFor()
})

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

skipTheRestAfterAFailure()

describe('writing in the composer', () => {
  it('sends from a resized reply box without a CSP violation', async () => {
    // What dragging the box's corner does: the size lands in the element's style attribute.
    await replyBox().evaluate((box: { style: { height: string } }) => {
      box.style.height = '140px'
    })
    await replyBox().fill('Yes, in three days.')
    await replyBox().press('Enter')
    await sales.locator('#thread li.msg-outbound').filter({ hasText: 'three days' }).waitFor(LIVE)
    expect(await replyBox().inputValue()).toBe('')
    expect(problems.filter((problem) => problem.startsWith('CSP'))).toEqual([])
  })

  it('keeps a draft when the composer refreshes because the contact wrote again', async () => {
    await replyBox().fill('Shipping is free over')
    await sales.getByRole('heading', { name: CONTACT.name, level: 1 }).click()
    await contactWrites('And how much is shipping?')
    await sales.locator('#thread li.msg-inbound').filter({ hasText: 'how much' }).waitFor(LIVE)
    const refreshed = sales.waitForResponse((answer) => answer.url().endsWith('/composer'))
    await contactWrites('Thanks!')
    await refreshed
    await sales.locator('#thread li.msg-inbound').filter({ hasText: 'Thanks!' }).waitFor(LIVE)
    expect(await replyBox().inputValue()).toBe('Shipping is free over')
  })

  it("counts unread conversations in the inbox tab's title as they arrive", async () => {
    await sales.goto('/inbox')
    const before = Number(/^\((\d+)\)/.exec(await sales.title())?.[1] ?? 0)
    await contactWrites('Hello, are you open today?', { phone: '919876500022', name: 'Ravi Rao' })
    await expect.poll(() => sales.title(), LIVE).toBe(`(${String(before + 1)}) Inbox · Parley`)
    const news = sales.locator('#inbox-news[aria-live="polite"]')
    expect(await news.textContent()).toContain('Newest: Ravi Rao: Hello, are you open today?')
  })

  it('raised no CSP violations or JavaScript errors', () => {
    expect(problems).toEqual([])
  })
})
