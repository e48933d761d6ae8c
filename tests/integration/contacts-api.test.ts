import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { apiValidatorFor } from '../helpers/openapi-schemas.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { deliverFixtures, fixtureFor, postWebhook } from '../helpers/webhooks.js'
import { withTenant } from '../../src/db/tenant.js'
import { messages } from '../../src/db/schema.js'
import { processDueEvents } from '../../src/webhooks/process.js'

let t: TestApp
type Workspace = Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(() => {
  t = createTestApp()
})
afterAll(() => t.close())

// Only the fields the tests read; every answer's full shape is checked against openapi/.
interface Contact {
  id: string
  name: string | null
  username: string | null
  source: unknown
  lastInboundAt: string | null
}
interface Message {
  id: string
  wamid: string
  text: string | null
  media: unknown
  reactions: unknown[]
}
interface Page<T> {
  data: T[]
  nextCursor: string | null
}

// Values from tests/fixtures/whatsapp/.
const MAYA_PHONE = '+16505551234'
const MAYA_BSUID = 'US.13491208655302741918'
const JONAS_REPLY = 'Ja, 14 Uhr passt mir gut.'
const OUTBOUND_WAMID = 'wamid.OUT2HBgNNDkxNTExMjM0NTY3OBUCABEYEjk0QTUzNDcxMEIzNTcwNUY0NwA='

// The documented shapes cannot drift from the real answers.
function expectSchema(name: string, body: unknown) {
  expect(apiValidatorFor(name)(body)).toEqual([])
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` })
const newWorkspace = (label: string) => seedWorkspace(t.deps, label)

/** GETs an API path with the workspace's least role: sales. */
function get(ws: Workspace, path: string) {
  return t.app.request(`/api/v1${path}`, { headers: bearer(ws.keys.sales) })
}

async function json<T>(response: Response, schema: string): Promise<T> {
  expect(response.status).toBe(200)
  const body = (await response.json()) as T
  expectSchema(schema, body)
  return body
}

async function contactsOf(ws: Workspace, query = '') {
  return json<Page<Contact>>(await get(ws, `/contacts${query}`), 'ContactPage')
}

async function messagesOf(ws: Workspace, contactId: string, query = '') {
  return json<Page<Message>>(
    await get(ws, `/contacts/${contactId}/messages${query}`),
    'MessagePage',
  )
}

async function onlyContact(ws: Workspace, query: string): Promise<Contact> {
  const { data } = await contactsOf(ws, query)
  expect(data).toHaveLength(1)
  const [contact] = data
  if (!contact) throw new Error('no contact')
  return contact
}

/** Every contact id, following nextCursor with `limit` per page. */
async function pagedIds(ws: Workspace, limit: number) {
  const seen: string[] = []
  let cursor: string | null = ''
  while (cursor !== null) {
    const page: Page<Contact> = await contactsOf(ws, `?limit=${limit}&cursor=${cursor}`)
    expect(page.data.length).toBeLessThanOrEqual(limit)
    seen.push(...page.data.map((c) => c.id))
    cursor = page.nextCursor
  }
  return seen
}

async function problemCode(response: Response, status: number) {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  return ((await response.json()) as { code: string }).code
}

describe('GET /api/v1/contacts', () => {
  it('lists contacts newest inbound first, with a sales key', async () => {
    const ws = await newWorkspace('List')
    await deliverFixtures(t, ws.phoneNumberId, 'text', 'text-with-referral', 'reply-context')
    await deliverFixtures(t, ws.phoneNumberId, 'image')
    const page = await contactsOf(ws)
    expect(page.data.map((c) => c.name)).toEqual([
      'Camila Rojas',
      'Jonas Weber',
      'Tomás Álvarez',
      'Maya Chen',
    ])
    expect(page.nextCursor).toBeNull()
    expect(page.data[3]).toMatchObject({ phone: MAYA_PHONE, bsuid: MAYA_BSUID, source: null })
  })

  it('finds the same contact by phone with and without +, and with spaces', async () => {
    const ws = await newWorkspace('Phone')
    await deliverFixtures(t, ws.phoneNumberId, 'text', 'reply-context')
    const withPlus = await onlyContact(ws, `?phone=${encodeURIComponent(MAYA_PHONE)}`)
    const digits = await onlyContact(ws, '?phone=16505551234')
    const spaced = await onlyContact(ws, `?phone=${encodeURIComponent('+1 650 555 1234')}`)
    expect(withPlus.name).toBe('Maya Chen')
    expect(digits.id).toBe(withPlus.id)
    expect(spaced.id).toBe(withPlus.id)
    expect((await contactsOf(ws, '?phone=16505550000')).data).toEqual([])
  })

  it('searches profile name and username case-insensitively, wildcards taken literally', async () => {
    const ws = await newWorkspace('Search')
    await deliverFixtures(t, ws.phoneNumberId, 'text-bsuid-only', 'reply-context', 'image')
    expect((await onlyContact(ws, '?q=JONAS')).name).toBe('Jonas Weber')
    expect((await onlyContact(ws, '?q=a.bak')).username).toBe('maya.bakes')
    expect((await contactsOf(ws, '?q=%25')).data).toEqual([])
    expect((await contactsOf(ws, '?q=_')).data).toEqual([])
    expect((await contactsOf(ws, '?q=o')).data.map((c) => c.name)).toEqual([
      'Camila Rojas',
      'Jonas Weber',
    ])
  })

  it('pages with limit and nextCursor through equal times and never-heard-from contacts', async () => {
    const ws = await newWorkspace('Pages')
    await deliverFixtures(t, ws.phoneNumberId, 'text', 'text-with-referral', 'reply-context')
    await deliverFixtures(t, ws.phoneNumberId, 'image', 'text-bsuid-only')
    const [a, b, c] = (await contactsOf(ws)).data.map((contact) => contact.id)
    await withTenant(t.deps.db, ws.workspaceId, async (tx) => {
      const tie = sql`'2026-04-16 10:00:00.123456+00'::timestamptz`
      await tx.execute(sql`update contacts set last_inbound_at = ${tie} where id in (${a}, ${b})`)
      await tx.execute(sql`update contacts set last_inbound_at = null where id = ${c}`)
    })
    // Drizzle's Dates stop at milliseconds: a cursor must keep the microseconds of the tie.
    const everyone = (await contactsOf(ws)).data.map((contact) => contact.id)
    expect(everyone.at(-1)).toBe(c)
    expect(await pagedIds(ws, 2)).toEqual(everyone)
    expect(await pagedIds(ws, 1)).toEqual(everyone)
  })

  it('shows a contact first seen by BSUID only, then with its phone, as one contact', async () => {
    const ws = await newWorkspace('Bsuid')
    await deliverFixtures(t, ws.phoneNumberId, 'text-bsuid-only')
    const first = await onlyContact(ws, '')
    expect(first).toMatchObject({ bsuid: MAYA_BSUID, phone: null, username: 'maya.bakes' })
    await deliverFixtures(t, ws.phoneNumberId, 'text-bsuid-and-phone')
    const linked = await onlyContact(ws, '')
    expect(linked).toMatchObject({
      id: first.id,
      bsuid: MAYA_BSUID,
      phone: MAYA_PHONE,
      username: 'maya.bakes',
      countryCode: 'US',
    })
    expect((await onlyContact(ws, '?phone=16505551234')).id).toBe(first.id)
  })

  it('refuses a malformed phone, an empty q, a bad limit and a forged cursor with 422', async () => {
    const ws = await newWorkspace('Invalid')
    for (const query of ['?phone=abc', '?phone=123', '?q=', '?limit=0', '?limit=201', '?limit=x']) {
      expect(await problemCode(await get(ws, `/contacts${query}`), 422)).toBe('validation_failed')
    }
    const forged = Buffer.from('["yesterday","not-a-uuid"]').toString('base64url')
    for (const cursor of [forged, 'garbage!']) {
      const response = await get(ws, `/contacts?cursor=${cursor}`)
      expect(await problemCode(response, 422)).toBe('validation_failed')
    }
  })

  it('answers every contacts route without a key with 401 unauthorized', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000'
    for (const path of ['', `/${unknown}`, `/${unknown}/messages`]) {
      const response = await t.app.request(`/api/v1/contacts${path}`)
      expect(await problemCode(response, 401)).toBe('unauthorized')
    }
  })
})

describe('GET /api/v1/contacts/{id}', () => {
  it('shows the first-touch source, which a later referral does not overwrite', async () => {
    const ws = await newWorkspace('Source')
    await deliverFixtures(t, ws.phoneNumberId, 'text-with-referral')
    const later = fixtureFor('text-with-referral', ws.phoneNumberId)
      .replace(/"id": "wamid\.[^"]+"/, '"id": "wamid.LATER-REFERRAL"')
      .replace(/"timestamp": "(\d+)"/, (_, ts: string) => `"timestamp": "${Number(ts) + 86400}"`)
      .replace('120231447700000012', '999000111')
    expect((await postWebhook(t, later)).status).toBe(200)
    await processDueEvents(t.jobDeps)
    const { id } = await onlyContact(ws, '')
    const contact = await json<Contact>(await get(ws, `/contacts/${id}`), 'Contact')
    expect(contact).toMatchObject({ id, name: 'Tomás Álvarez', phone: '+5491155550123' })
    expect(contact.source).toEqual({
      type: 'ad',
      adId: '120231447700000012',
      url: 'https://fb.me/7kQp2Lm9',
      headline: 'Escríbenos por WhatsApp',
      body: 'Primera clase de prueba gratis esta semana',
      mediaType: 'image',
      ctwaClid:
        'ARAhQ3V0ZVBhcmxleURlbW9DbGlja0lkRm9yVGVzdGluZ09ubHktX3pmVVEyYWJjZGVmZ2hpamtsbW5vcA',
      at: new Date(1776300074 * 1000).toISOString(),
    })
    expect(contact.lastInboundAt).toBe(new Date((1776300074 + 86400) * 1000).toISOString())
  })

  it("answers another workspace's contact, an unknown id and a bad UUID with 404", async () => {
    const ws = await newWorkspace('Mine')
    const other = await newWorkspace('Theirs')
    await deliverFixtures(t, ws.phoneNumberId, 'text')
    const { id } = await onlyContact(ws, '')
    for (const path of [`/contacts/${id}`, `/contacts/${id}/messages`]) {
      expect(await problemCode(await get(other, path), 404)).toBe('not_found')
    }
    expect((await contactsOf(other)).data).toEqual([])
    const unknown = '00000000-0000-4000-8000-000000000000'
    for (const path of [`/contacts/${unknown}`, '/contacts/not-a-uuid', '/contacts/1/messages']) {
      expect(await problemCode(await get(ws, path), 404)).toBe('not_found')
    }
  })
})

describe('GET /api/v1/contacts/{id}/messages', () => {
  /** Jonas's conversation: our message at 1776300100, his reply to it, then his reaction to it. */
  async function conversation(ws: Workspace) {
    await deliverFixtures(t, ws.phoneNumberId, 'reply-context')
    const contact = await onlyContact(ws, '')
    await withTenant(t.deps.db, ws.workspaceId, (tx) =>
      tx.insert(messages).values({
        workspaceId: ws.workspaceId,
        contactId: contact.id,
        direction: 'outbound',
        wamid: OUTBOUND_WAMID,
        type: 'text',
        sentAt: new Date(1776300100 * 1000),
        textEnc: t.deps.cipher.encrypt('Would 2 pm on Thursday work?'),
        status: 'read',
        statusAt: new Date(1776300150 * 1000),
      }),
    )
    await deliverFixtures(t, ws.phoneNumberId, 'reaction')
    return contact
  }

  it('gives the conversation oldest first with text, reply context and reaction', async () => {
    const ws = await newWorkspace('Thread')
    const contact = await conversation(ws)
    const page = await messagesOf(ws, contact.id)
    expect(page.nextCursor).toBeNull()
    expect(page.data).toHaveLength(2)
    const [ours, reply] = page.data
    expect(ours).toMatchObject({
      wamid: OUTBOUND_WAMID,
      direction: 'outbound',
      text: 'Would 2 pm on Thursday work?',
      media: null,
      reactions: [{ emoji: '👍', at: new Date(1776300666 * 1000).toISOString() }],
    })
    expect(reply).toMatchObject({
      direction: 'inbound',
      type: 'text',
      text: JONAS_REPLY,
      replyTo: OUTBOUND_WAMID,
      sentAt: new Date(1776300185 * 1000).toISOString(),
      reactions: [],
    })
  })

  it('leaves out a reaction the contact took back', async () => {
    const ws = await newWorkspace('Unreact')
    const contact = await conversation(ws)
    await deliverFixtures(t, ws.phoneNumberId, 'reaction-removed')
    const page = await messagesOf(ws, contact.id)
    expect(page.data.map((m) => m.reactions)).toEqual([[], []])
  })

  it('pages oldest first with limit and nextCursor', async () => {
    const ws = await newWorkspace('Thread pages')
    const contact = await conversation(ws)
    const first = await messagesOf(ws, contact.id, '?limit=1')
    expect(first.data.map((m) => m.wamid)).toEqual([OUTBOUND_WAMID])
    expect(first.nextCursor).not.toBeNull()
    const second = await messagesOf(ws, contact.id, `?limit=1&cursor=${first.nextCursor ?? ''}`)
    expect(second.data.map((m) => m.text)).toEqual([JONAS_REPLY])
    expect(second.nextCursor).toBeNull()
    const tooMany = await get(ws, `/contacts/${contact.id}/messages?limit=501`)
    expect(await problemCode(tooMany, 422)).toBe('validation_failed')
  })

  it('describes media, with a URL only once the file is stored', async () => {
    const ws = await newWorkspace('Media')
    await deliverFixtures(t, ws.phoneNumberId, 'image')
    const contact = await onlyContact(ws, '')
    const [pending] = (await messagesOf(ws, contact.id)).data
    expect(pending?.media).toEqual({
      id: '1289034756102938',
      mimeType: 'image/jpeg',
      state: 'pending',
      url: null,
    })
    expect(pending?.text).toBe('Este es el modelo que quiero')
    await withTenant(t.deps.db, ws.workspaceId, (tx) =>
      tx.update(messages).set({ mediaState: 'stored' }).where(eq(messages.contactId, contact.id)),
    )
    const [stored] = (await messagesOf(ws, contact.id)).data
    expect(stored?.media).toMatchObject({
      state: 'stored',
      url: `/api/v1/media/${stored?.id ?? ''}`,
    })
  })
})
