import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { ConsoleSession } from '../helpers/console-session.js'
import { withSystem } from '../../src/db/tenant.js'
import { workspaces, type Role } from '../../src/db/schema.js'
import { classifyConsent, DEFAULT_KEYWORDS } from '../../src/consent/rules.js'
import { DEFAULT_OPT_OUT_BUTTONS } from '../../src/consent/settings.js'
import { parseSettings } from '../../src/workspaces/settings-schema.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Consent settings')
})
afterAll(() => t.close())

async function loggedIn(role: Role) {
  const session = new ConsoleSession(t.app)
  expect((await session.login(ws.users[role].email)).status).toBe(303)
  return session
}

async function workspaceRow() {
  const [row] = await withSystem(t.deps.db, (tx) =>
    tx.select().from(workspaces).where(eq(workspaces.id, ws.workspaceId)),
  )
  if (!row) throw new Error('seeded workspace is gone')
  return row
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }
const unescape = (html: string) =>
  html.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITIES[e] ?? '')

// The consent form's fields as a browser would submit them, prefilled values included.
function formFieldsOf(html: string): Record<string, string> {
  const form =
    /<form method="post" action="\/settings\/consent"[\s\S]*?<\/form>/.exec(html)?.[0] ?? ''
  const fields: Record<string, string> = {}
  for (const [, name = '', text = ''] of form.matchAll(
    /<textarea[^>]* name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g,
  )) {
    fields[unescape(name)] = unescape(text)
  }
  for (const [tag] of form.matchAll(/<input [^>]*>/g)) {
    const name = / name="([^"]+)"/.exec(tag)?.[1]
    if (name && name !== '_csrf')
      fields[unescape(name)] = unescape(/ value="([^"]*)"/.exec(tag)?.[1] ?? '')
  }
  return fields
}

async function consentForm(session: ConsoleSession) {
  const page = await session.get('/settings/consent')
  expect(page.status).toBe(200)
  return formFieldsOf(await page.text())
}

const lines = (words: readonly string[]) => words.join('\n')

describe('consent settings', () => {
  it('lists every language with its words, linked from Settings', async () => {
    const owner = await loggedIn('owner')
    expect(await (await owner.get('/settings')).text()).toContain('href="/settings/consent"')
    const fields = await consentForm(owner)
    expect(fields['optOut:en']?.split('\n')).toEqual(DEFAULT_KEYWORDS.en.optOut)
    expect(fields['optIn:hi-Latn']?.split('\n')).toEqual(DEFAULT_KEYWORDS['hi-Latn'].optIn)
    expect(fields['confirmOptOut:es']).toBe('')
    expect(fields.messagesPerSecond).toBe('80')
  })

  it('saves a removed and an added word as exactly those overrides', async () => {
    const owner = await loggedIn('owner')
    const fields = await consentForm(owner)
    const response = await owner.post('/settings/consent', {
      ...fields,
      'optOut:en': lines(DEFAULT_KEYWORDS.en.optOut.filter((word) => word !== 'cancel')),
      'optOut:es': `${fields['optOut:es'] ?? ''}\npara ya`,
      messagesPerSecond: '20',
    })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('settings saved')
    const row = await workspaceRow()
    expect((row.settings as { consent?: unknown }).consent).toEqual({
      overrides: { en: { optOut: { remove: ['cancel'] } }, es: { optOut: { add: ['para ya'] } } },
      optOutButtons: [...DEFAULT_OPT_OUT_BUTTONS],
    })
    const { lists } = parseSettings(row.settings).consent
    expect(classifyConsent('cancel', lists).intent).toBe('none')
    expect(classifyConsent('Para ya!', lists)).toMatchObject({ intent: 'opt_out', language: 'es' })
    expect(parseSettings(row.settings).messagesPerSecond).toBe(20)
    expect((await consentForm(owner))['optOut:es']).toMatch(/\npara ya$/)
  })

  it('refuses a word in both lists with 422, shows why, keeps the input and saves nothing', async () => {
    const admin = await loggedIn('admin')
    const before = (await workspaceRow()).settings
    const fields = await consentForm(admin)
    const response = await admin.post(
      '/settings/consent',
      { ...fields, 'optIn:en': `${fields['optIn:en'] ?? ''}\nUnsubscribe` },
      { htmx: true },
    )
    expect(response.status).toBe(422)
    const html = await response.text()
    expect(html).toContain('Nothing was saved')
    expect(unescape(html)).toContain(
      'en: "unsubscribe" is in both optOut and optIn as "Unsubscribe"',
    )
    expect(formFieldsOf(html)['optIn:en']).toMatch(/\nUnsubscribe$/)
    expect((await workspaceRow()).settings).toEqual(before)
  })

  it.each(['0', '5000'])('refuses %s messages per second with 422', async (rate) => {
    const owner = await loggedIn('owner')
    const before = (await workspaceRow()).settings
    const fields = await consentForm(owner)
    const response = await owner.post('/settings/consent', { ...fields, messagesPerSecond: rate })
    expect(response.status).toBe(422)
    expect(await response.text()).toContain('whole number from 1 to 1000')
    expect((await workspaceRow()).settings).toEqual(before)
  })

  it.each<Role>(['manager', 'sales'])('is closed to %s', async (role) => {
    const session = await loggedIn(role)
    const before = (await workspaceRow()).settings
    expect((await session.get('/settings/consent')).status).toBe(403)
    const post = await session.post('/settings/consent', {
      'optOut:en': 'stop',
      messagesPerSecond: '1',
    })
    expect(post.status).toBe(403)
    expect((await workspaceRow()).settings).toEqual(before)
  })

  it('refuses a change without the CSRF token', async () => {
    const owner = await loggedIn('owner')
    const fields = await consentForm(owner)
    const response = await owner.post(
      '/settings/consent',
      { ...fields, messagesPerSecond: '7' },
      { csrf: false },
    )
    expect(response.status).toBe(403)
    expect(parseSettings((await workspaceRow()).settings).messagesPerSecond).not.toBe(7)
  })
})

describe('paused sending', () => {
  const pausedAt = new Date('2025-06-01T08:30:00Z')
  const pause = (at: Date | null, reason: string | null) =>
    withSystem(t.deps.db, (tx) =>
      tx
        .update(workspaces)
        .set({ sendingPausedAt: at, sendingPausedReason: reason })
        .where(eq(workspaces.id, ws.workspaceId)),
    )

  it('is shown to owners and admins, and resuming clears it and kicks the dispatcher', async () => {
    await pause(pausedAt, '190: Error validating access token')
    const admin = await loggedIn('admin')
    const settings = await (await admin.get('/settings')).text()
    expect(settings).toContain('Queued messages wait until sending is resumed.')
    expect(settings).toContain('190: Error validating access token')
    expect(settings).toContain('2025-06-01 08:30 UTC')
    expect(await (await admin.get('/')).text()).toContain('Resume sending')
    expect(await (await (await loggedIn('sales')).get('/')).text()).not.toContain('Resume sending')

    const dispatchesBefore = t.jobs.payloadsOf('outbound.dispatch').length
    const response = await admin.post('/settings/resume-sending', {}, { htmx: true })
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('Sending resumed')
    expect(html).not.toContain('Queued messages wait')
    const row = await workspaceRow()
    expect([row.sendingPausedAt, row.sendingPausedReason]).toEqual([null, null])
    expect(t.jobs.payloadsOf('outbound.dispatch').length).toBe(dispatchesBefore + 1)
  })

  it('cannot be resumed by sales or without the CSRF token', async () => {
    await pause(pausedAt, '368: Temporarily blocked for policies violations')
    const sales = await loggedIn('sales')
    expect((await sales.post('/settings/resume-sending', {})).status).toBe(403)
    const owner = await loggedIn('owner')
    expect((await owner.post('/settings/resume-sending', {}, { csrf: false })).status).toBe(403)
    expect((await workspaceRow()).sendingPausedAt).toEqual(pausedAt)
    await pause(null, null)
  })
})
