import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { signedIn } from '../helpers/console-session.js'
import { FakeMetaGraph, graphError } from '../fakes/meta-graph.js'
import { withSystem } from '../../src/db/tenant.js'
import { auditEntries, workspaces, type Role } from '../../src/db/schema.js'
import { isAppError } from '../../src/errors.js'
import { workspaceConnect } from '../../src/cli/commands.js'
import { describePhoneNumber } from '../../src/whatsapp/phone-numbers.js'
import { GraphError, GraphUnreachableError } from '../../src/whatsapp/graph-errors.js'

const VERSION = 'v26.0'
// The token people paste: the fake Meta accepts only this one.
const TOKEN = 'EAAG-settings-test-token-0123456789'
const NUMBER = {
  id: '',
  display_phone_number: '+1 555-078-3881',
  verified_name: 'Greenhouse Plants',
  quality_rating: 'GREEN',
}

let meta: FakeMetaGraph
let t: TestApp
let closeMeta: () => Promise<void>
let graphUrl = ''
// Every page and fragment the tests were answered with: none may carry the token.
const answered: string[] = []

beforeAll(async () => {
  meta = new FakeMetaGraph({ version: VERSION, accessToken: TOKEN })
  const server = await meta.start()
  closeMeta = () => server.close()
  graphUrl = server.baseUrl
  t = createTestApp({ graph: { baseUrl: server.baseUrl, version: VERSION } })
})
afterEach(() => {
  expect(meta.problems).toEqual([])
})
afterAll(async () => {
  expect(answered.join('\n')).not.toContain(TOKEN)
  await closeMeta()
  await t.close()
})

/** A seeded workspace and a fresh business number id Meta knows, with this label. */
async function workspaceWithNumber(label: string) {
  const ws = await seedWorkspace(t.deps, label)
  const phoneNumberId = `8${ws.phoneNumberId.slice(1)}`
  meta.phoneNumbers.add({ ...NUMBER, id: phoneNumberId })
  return { ...ws, newNumberId: phoneNumberId }
}

async function row(workspaceId: string) {
  const [found] = await withSystem(t.deps.db, (tx) =>
    tx.select().from(workspaces).where(eq(workspaces.id, workspaceId)),
  )
  if (!found) throw new Error('no workspace row')
  return found
}

async function audits(workspaceId: string) {
  return withSystem(t.deps.db, (tx) =>
    tx.select().from(auditEntries).where(eq(auditEntries.workspaceId, workspaceId)),
  )
}

type Ws = Awaited<ReturnType<typeof workspaceWithNumber>>

async function session(ws: Ws, role: Role = 'owner') {
  return signedIn(t.app, ws.users[role])
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
    const ws = await workspaceWithNumber('Roles')
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
    expect(meta.requestsFor(ws.newNumberId)).toEqual([])
  })

  it('is linked from the Settings page', async () => {
    const ws = await workspaceWithNumber('Link')
    const page = await text(await (await session(ws)).get('/settings'))
    expect(page).toContain('href="/settings/whatsapp"')
  })

  it('checks the number with Meta, then stores the token encrypted and shows the number', async () => {
    const ws = await workspaceWithNumber('Connect')
    const { status, html } = await connect(ws, { wabaId: '102290129340398' })
    expect(status).toBe(200)
    expect(html).toContain('Connected to +1 555-078-3881.')
    expect(html).toContain('Greenhouse Plants')
    expect(html).toContain('High (green)')
    const [asked] = meta.requestsFor(ws.newNumberId)
    expect(asked?.path).toBe(`/${VERSION}/${ws.newNumberId}`)
    expect(asked?.query.fields?.split(',').sort()).toEqual([
      'display_phone_number',
      'quality_rating',
      'verified_name',
    ])
    const stored = await row(ws.workspaceId)
    expect(stored).toMatchObject({ phoneNumberId: ws.newNumberId, wabaId: '102290129340398' })
    expect(stored.accessTokenEnc).not.toContain(TOKEN)
    expect(t.deps.cipher.decrypt(stored.accessTokenEnc ?? '')).toBe(TOKEN)
    const page = await text(await (await session(ws)).get('/settings/whatsapp'))
    expect(page).toContain('+1 555-078-3881')
    expect(page).toContain('Leave this empty to keep the current token')
    expect(page).toMatch(/<input id="access-token" name="accessToken" type="password"[^>]*>/)
  })

  it('audits the connection without the token, and keeps the stored token when the field is blank', async () => {
    const ws = await workspaceWithNumber('Audit')
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
    const ws = await workspaceWithNumber('Refused')
    const before = await row(ws.workspaceId)
    meta.phoneNumbers.failOnce(ws.newNumberId, reply)
    const refused = await connect(ws, { wabaId: '102290129340398' })
    expect(refused.status).toBe(status)
    expect(refused.html).toContain(message)
    expect(refused.html).toMatch(/nothing was changed/i)
    expect(refused.html).toContain(`value="${ws.newNumberId}"`)
    expect(await row(ws.workspaceId)).toEqual(before)
    expect((await audits(ws.workspaceId)).map((e) => e.action)).not.toContain('settings.whatsapp')
  })

  it('says so when Meta knows no such phone number id (100), storing nothing', async () => {
    const ws = await workspaceWithNumber('Unknown id')
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
    const ws = await workspaceWithNumber('Bad input')
    const sent = meta.requests.length
    const refused = await connect(ws, { phoneNumberId: '+1 555', wabaId: 'acme', accessToken: 'x' })
    expect(refused.status).toBe(422)
    expect(refused.html).toContain('The phone number id must be 5 to 20 digits')
    expect(refused.html).toContain('The WhatsApp Business Account id must be 5 to 20 digits')
    expect(refused.html).toContain('20 to 4096 characters')
    expect(meta.requests.length).toBe(sent)
  })

  it('refuses a save without the CSRF token', async () => {
    const ws = await workspaceWithNumber('CSRF')
    const before = await row(ws.workspaceId)
    const form = { phoneNumberId: ws.newNumberId, accessToken: TOKEN }
    const response = await (await session(ws)).post('/settings/whatsapp', form, { csrf: false })
    expect(response.status).toBe(403)
    expect(await row(ws.workspaceId)).toEqual(before)
  })

  it("leaves other workspaces alone and refuses another workspace's number", async () => {
    const ws = await workspaceWithNumber('Mine')
    const other = await workspaceWithNumber('Theirs')
    const theirs = await row(other.workspaceId)
    await connect(ws, {})
    expect(await row(other.workspaceId)).toEqual(theirs)
    meta.phoneNumbers.add({ ...NUMBER, id: other.phoneNumberId })
    const before = await row(ws.workspaceId)
    const refused = await connect(ws, { phoneNumberId: other.phoneNumberId })
    expect(refused.status).toBe(422)
    expect(refused.html).toContain('Another workspace already uses this phone number id')
    expect(await row(ws.workspaceId)).toEqual(before)
    expect(await row(other.workspaceId)).toEqual(theirs)
  })

  it('shows the paused alert with Resume, and a new token says sending is still paused', async () => {
    const ws = await workspaceWithNumber('Paused')
    const pausedAt = new Date('2026-12-01T09:30:00Z')
    await withSystem(t.deps.db, (tx) =>
      tx
        .update(workspaces)
        .set({ sendingPausedAt: pausedAt, sendingPausedReason: '190: token expired' })
        .where(eq(workspaces.id, ws.workspaceId)),
    )
    const page = await text(await (await session(ws)).get('/settings/whatsapp'))
    expect(page).toContain('Sending is paused')
    expect(page).toContain('action="/settings/resume-sending"')
    const { html } = await connect(ws, {})
    expect(html).toContain('Sending is still paused: resume it below')
    expect(html).toContain('Resume sending')
    expect((await row(ws.workspaceId)).sendingPausedAt).toEqual(pausedAt)
  })

  it('shows the webhook address and which Meta secrets this server has, never their values', async () => {
    const ws = await workspaceWithNumber('Webhook')
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
    expect(page).not.toContain(t.deps.whatsapp.verifyToken)
    expect(page).not.toContain(t.deps.whatsapp.appSecret)
  })
})

describe('parley workspace:connect', () => {
  const argv = (ws: Ws, extra: string[] = []) => [
    ...['--workspace', ws.workspaceId, '--phone-number-id', ws.newNumberId],
    ...['--access-token', TOKEN, ...extra],
  ]

  it('checks the number with Meta, stores it and prints the number', async () => {
    const ws = await workspaceWithNumber('CLI')
    const printed = await workspaceConnect(t.jobDeps, argv(ws, ['--waba-id', '102290129340398']))
    expect(printed).toEqual({
      id: ws.workspaceId,
      phoneNumberId: ws.newNumberId,
      displayPhoneNumber: '+1 555-078-3881',
    })
    const stored = await row(ws.workspaceId)
    expect(t.deps.cipher.decrypt(stored.accessTokenEnc ?? '')).toBe(TOKEN)
    expect(stored.wabaId).toBe('102290129340398')
    const [entry] = (await audits(ws.workspaceId)).filter((e) => e.action === 'settings.whatsapp')
    expect(entry).toMatchObject({ actorType: 'system', actorName: 'parley workspace:connect' })
    expect(JSON.stringify(entry)).not.toContain(TOKEN)
  })

  it('fails with one sentence and stores nothing when Meta refuses', async () => {
    const ws = await workspaceWithNumber('CLI refused')
    const before = await row(ws.workspaceId)
    meta.phoneNumbers.failOnce(ws.newNumberId, graphError(401, 190, 'Session has expired'))
    const failure = await workspaceConnect(t.jobDeps, argv(ws)).catch((e: unknown) => e)
    expect(isAppError(failure, 'validation_failed')).toBe(true)
    expect((failure as Error).message).toMatch(/^Meta refused the access token \(error 190\)/)
    expect((failure as Error).message).not.toContain('\n')
    expect(await row(ws.workspaceId)).toEqual(before)
  })

  it('refuses a bad phone number id before asking Meta', async () => {
    const ws = await workspaceWithNumber('CLI bad')
    const sent = meta.requests.length
    const args = ['--workspace', ws.workspaceId, '--phone-number-id', '12', '--access-token', TOKEN]
    const failure = await workspaceConnect(t.jobDeps, args).catch((e: unknown) => e)
    expect((failure as Error).message).toBe(
      'The phone number id must be 5 to 20 digits, as Meta shows it.',
    )
    expect(meta.requests.length).toBe(sent)
  })
})

describe('describePhoneNumber', () => {
  const source = (phoneNumberId: string) => ({
    baseUrl: graphUrl,
    version: VERSION,
    accessToken: TOKEN,
    phoneNumberId,
  })

  it('gives up after its timeout with GraphUnreachableError', async () => {
    meta.phoneNumbers.add({ ...NUMBER, id: '5550001' })
    meta.phoneNumbers.delayMs = 500
    try {
      const failure = await describePhoneNumber(source('5550001'), { timeoutMs: 50 }).catch(
        (e: unknown) => e,
      )
      expect(failure).toBeInstanceOf(GraphUnreachableError)
    } finally {
      meta.phoneNumbers.delayMs = 0
    }
  })

  it('treats an answer without the number as a failed check', async () => {
    meta.phoneNumbers.failOnce('5550002', { status: 200, body: { id: '5550002' } })
    const failure = await describePhoneNumber(source('5550002')).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(GraphError)
  })
})
