import { afterAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { signedIn } from '../helpers/console-session.js'
import {
  auditsOf,
  CONNECT_TOKEN as TOKEN,
  CONNECT_VERSION as VERSION,
  META_NUMBER,
  useConnectSuite,
  workspaceRow,
  workspaceWithNumber,
} from '../helpers/whatsapp-connect.js'
import { graphError } from '../fakes/meta-graph.js'
import { withSystem } from '../../src/db/tenant.js'
import { workspaces, type Role } from '../../src/db/schema.js'

const suite = useConnectSuite()
// Every page and fragment the tests were answered with: none may carry the token.
const answered: string[] = []
afterAll(() => {
  expect(answered.join('\n')).not.toContain(TOKEN)
})

const withNumber = (label: string) => workspaceWithNumber(suite, label)
const row = (workspaceId: string) => workspaceRow(suite.t, workspaceId)
const audits = (workspaceId: string) => auditsOf(suite.t, workspaceId)

type Ws = Awaited<ReturnType<typeof withNumber>>

async function session(ws: Ws, role: Role = 'owner') {
  return signedIn(suite.t.app, ws.users[role])
}

async function text(response: Response) {
  const body = await response.text()
  answered.push(body)
  return body
}

async function connect(ws: Ws, fields: Record<string, string>, role: Role = 'admin') {
  const form = { phoneNumberId: ws.newNumberId, wabaId: '', accessToken: TOKEN, ...fields }
  const response = await (await session(ws, role)).post('/settings/whatsapp', form, { htmx: true })
  return { status: response.status, html: await text(response) }
}

describe('Settings › WhatsApp', () => {
  it('is for owners and admins; managers and sales get 403 and change nothing', async () => {
    const ws = await withNumber('Roles')
    for (const role of ['owner', 'admin'] as const) {
      const page = await (await session(ws, role)).get('/settings/whatsapp')
      expect(page.status).toBe(200)
      expect(await text(page)).toContain('Check with Meta and save')
    }
    for (const role of ['manager', 'sales'] as const) {
      expect((await (await session(ws, role)).get('/settings/whatsapp')).status).toBe(403)
      expect((await connect(ws, {}, role)).status).toBe(403)
    }
    expect((await row(ws.workspaceId)).phoneNumberId).toBe(ws.phoneNumberId)
    expect(suite.meta.requestsFor(ws.newNumberId)).toEqual([])
  })

  it('is linked from the Settings page', async () => {
    const ws = await withNumber('Link')
    const page = await text(await (await session(ws)).get('/settings'))
    expect(page).toContain('href="/settings/whatsapp"')
  })

  it('checks the number with Meta, then stores the token encrypted and shows the number', async () => {
    const ws = await withNumber('Connect')
    const { status, html } = await connect(ws, { wabaId: '102290129340398' })
    expect(status).toBe(200)
    expect(html).toContain('Connected to +1 555-078-3881.')
    expect(html).toContain('Greenhouse Plants')
    expect(html).toContain('High (green)')
    const [asked] = suite.meta.requestsFor(ws.newNumberId)
    expect(asked?.path).toBe(`/${VERSION}/${ws.newNumberId}`)
    expect(asked?.query.fields?.split(',').sort()).toEqual([
      'display_phone_number',
      'quality_rating',
      'verified_name',
    ])
    const stored = await row(ws.workspaceId)
    expect(stored).toMatchObject({ phoneNumberId: ws.newNumberId, wabaId: '102290129340398' })
    expect(stored.accessTokenEnc).not.toContain(TOKEN)
    expect(suite.t.deps.cipher.decrypt(stored.accessTokenEnc ?? '')).toBe(TOKEN)
    const page = await text(await (await session(ws)).get('/settings/whatsapp'))
    expect(page).toContain('+1 555-078-3881')
    expect(page).toContain('Leave this empty to keep the current token')
    expect(page).toMatch(/<input id="access-token" name="accessToken" type="password"[^>]*>/)
  })

  it('audits the connection without the token, and keeps the stored token when the field is blank', async () => {
    const ws = await withNumber('Audit')
    await connect(ws, {})
    const encrypted = (await row(ws.workspaceId)).accessTokenEnc
    const again = await connect(ws, { accessToken: '' })
    expect(again.html).toContain('Connected to +1 555-078-3881.')
    expect((await row(ws.workspaceId)).accessTokenEnc).toBe(encrypted)
    const entries = (await audits(ws.workspaceId)).filter((e) => e.action === 'settings.whatsapp')
    expect(entries.map((e) => e.details)).toEqual([
      expect.objectContaining({ phoneNumberId: ws.newNumberId, tokenReplaced: true }),
      expect.objectContaining({ displayPhoneNumber: '+1 555-078-3881', tokenReplaced: false }),
    ])
    expect(entries[0]?.actorName).toBe(ws.users.admin.email)
    expect(JSON.stringify(await audits(ws.workspaceId))).not.toContain(TOKEN)
  })

  it.each([
    ['an expired token (190)', graphError(401, 190, 'Session has expired'), 422, 'error 190'],
    ['no permission (10)', graphError(403, 10, 'Permission denied'), 422, '(error 10)'],
    ['no permission (200)', graphError(403, 200, 'Requires permission'), 422, '(error 200)'],
    ['Meta down (500)', { status: 500, body: 'oops' }, 502, 'Could not reach WhatsApp'],
    ['an outage code (2)', graphError(503, 2, 'Service unavailable'), 502, 'Could not reach'],
  ])('stores nothing after %s and says why', async (_, reply, status, message) => {
    const ws = await withNumber('Refused')
    const before = await row(ws.workspaceId)
    suite.meta.phoneNumbers.failOnce(ws.newNumberId, reply)
    const refused = await connect(ws, { wabaId: '102290129340398' })
    expect(refused.status).toBe(status)
    expect(refused.html).toContain(message)
    expect(refused.html).toMatch(/nothing was changed/i)
    expect(refused.html).toContain(`value="${ws.newNumberId}"`)
    expect(await row(ws.workspaceId)).toEqual(before)
    expect((await audits(ws.workspaceId)).map((e) => e.action)).not.toContain('settings.whatsapp')
  })

  it('says so when Meta knows no such phone number id (100), storing nothing', async () => {
    const ws = await withNumber('Unknown id')
    const before = await row(ws.workspaceId)
    const refused = await connect(ws, { phoneNumberId: '99999999999' })
    expect(refused.status).toBe(422)
    expect(refused.html).toContain('Meta knows no phone number with id 99999999999')
    expect(await row(ws.workspaceId)).toEqual(before)
  })

  it('says WhatsApp could not be reached when nothing answers, storing nothing', async () => {
    // The default test app points the Graph API at a closed port.
    const offline = createTestApp()
    try {
      const ws = await seedWorkspace(offline.deps, 'Offline')
      const before = await row(ws.workspaceId)
      const owner = await signedIn(offline.app, ws.users.owner)
      const form = { phoneNumberId: '123456789', accessToken: TOKEN }
      const response = await owner.post('/settings/whatsapp', form)
      expect(response.status).toBe(502)
      expect(await text(response)).toContain('Could not reach WhatsApp, nothing was changed')
      expect(await row(ws.workspaceId)).toEqual(before)
    } finally {
      await offline.close()
    }
  })

  it('refuses bad input without asking Meta', async () => {
    const ws = await withNumber('Bad input')
    const sent = suite.meta.requests.length
    const refused = await connect(ws, { phoneNumberId: '+1 555', wabaId: 'acme', accessToken: 'x' })
    expect(refused.status).toBe(422)
    expect(refused.html).toContain('The phone number id must be 5 to 20 digits')
    expect(refused.html).toContain('The WhatsApp Business Account id must be 5 to 20 digits')
    expect(refused.html).toContain('20 to 4096 characters')
    expect(suite.meta.requests.length).toBe(sent)
  })

  it('refuses a save without the CSRF token', async () => {
    const ws = await withNumber('CSRF')
    const before = await row(ws.workspaceId)
    const form = { phoneNumberId: ws.newNumberId, accessToken: TOKEN }
    const response = await (await session(ws)).post('/settings/whatsapp', form, { csrf: false })
    expect(response.status).toBe(403)
    expect(await row(ws.workspaceId)).toEqual(before)
  })

  it("leaves other workspaces alone and refuses another workspace's number", async () => {
    const ws = await withNumber('Mine')
    const other = await withNumber('Theirs')
    const theirs = await row(other.workspaceId)
    await connect(ws, {})
    expect(await row(other.workspaceId)).toEqual(theirs)
    suite.meta.phoneNumbers.add({ ...META_NUMBER, id: other.phoneNumberId })
    const before = await row(ws.workspaceId)
    const refused = await connect(ws, { phoneNumberId: other.phoneNumberId })
    expect(refused.status).toBe(422)
    expect(refused.html).toContain('Another workspace already uses this phone number id')
    expect(await row(ws.workspaceId)).toEqual(before)
    expect(await row(other.workspaceId)).toEqual(theirs)
  })

  it('shows the paused alert with Resume, and a new token says sending is still paused', async () => {
    const ws = await withNumber('Paused')
    const pausedAt = new Date('2026-12-01T09:30:00Z')
    await withSystem(suite.t.deps.db, (tx) =>
      tx
        .update(workspaces)
        .set({ sendingPausedAt: pausedAt, sendingPausedReason: '190: token expired' })
        .where(eq(workspaces.id, ws.workspaceId)),
    )
    const page = await text(await (await session(ws)).get('/settings/whatsapp'))
    expect(page).toContain('Sending is paused')
    expect(page).toContain('action="/settings/resume-sending"')
    const { html } = await connect(ws, {})
    expect(html).toContain('Sending is still paused: press Resume sending')
    expect(html).toContain('Resume sending')
    expect((await row(ws.workspaceId)).sendingPausedAt).toEqual(pausedAt)
  })

  it('shows the webhook address and which Meta secrets this server has, never their values', async () => {
    const ws = await withNumber('Webhook')
    const owner = await session(ws)
    const page = await text(
      await owner.get('/settings/whatsapp', {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'crm.example.test',
      }),
    )
    expect(page).toContain('https://crm.example.test/webhooks/whatsapp')
    expect(page).toContain('WHATSAPP_VERIFY_TOKEN</code> is set')
    expect(page).toContain('WHATSAPP_APP_SECRET</code> is set')
    expect(page).toContain('user_preferences')
    expect(page).not.toContain(suite.t.deps.whatsapp.verifyToken)
    expect(page).not.toContain(suite.t.deps.whatsapp.appSecret)
  })
})
