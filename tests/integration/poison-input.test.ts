import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq, inArray, sql } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { signedIn } from '../helpers/console-session.js'
import { postWebhook } from '../helpers/webhooks.js'
import { envelope, randomPhone, randomWamid } from '../helpers/inbound.js'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { contacts, messages, webhookEvents, workspaces } from '../../src/db/schema.js'
import { processDueEvents } from '../../src/webhooks/process.js'

let t: TestApp
type Workspace = Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(() => {
  t = createTestApp()
})
afterAll(() => t.close())

const NUL = '\u0000'
const now = () => String(Math.floor(Date.now() / 1000))
const allMessages = (ws: Workspace) =>
  withTenant(t.deps.db, ws.workspaceId, (tx) => tx.select().from(messages))

/** A text message from a new contact, with any field overridden. */
function text(overrides: Record<string, unknown> = {}) {
  return { from: randomPhone(), id: randomWamid(), timestamp: now(), type: 'text', ...overrides }
}

async function mustAccept(body: string) {
  const response = await postWebhook(t, body)
  expect(response.status).toBe(200)
}

async function eventsOf(ws: Workspace) {
  return withSystem(t.deps.db, (tx) =>
    tx
      .select()
      .from(webhookEvents)
      .where(sql`${ws.workspaceId}::uuid = any(${webhookEvents.workspaceIds})`),
  )
}

async function setPrivacyMode(ws: Workspace) {
  await withSystem(t.deps.db, (tx) =>
    tx
      .update(workspaces)
      .set({ settings: { storeMessageContent: false } })
      .where(eq(workspaces.id, ws.workspaceId)),
  )
}

describe('a NUL in a signed webhook', () => {
  it('never stalls processing: NULs are removed, every event of two workspaces is applied', async () => {
    const poisoned = await seedWorkspace(t.deps, 'Poisoned')
    const other = await seedWorkspace(t.deps, 'Neighbour')
    const phone = randomPhone()
    const bodies = [
      envelope(poisoned.phoneNumberId, {
        contacts: [{ wa_id: phone, profile: { name: `Ana${NUL}Lima` } }],
        messages: [text({ from: phone, text: { body: `hi${NUL}there` } })],
      }),
      envelope(poisoned.phoneNumberId, {
        messages: [
          text({
            id: `wamid.${NUL}x${randomWamid()}`,
            referral: { source_type: 'ad', headline: `Sale${NUL}!`, ctwa_clid: 'c1' },
          }),
        ],
      }),
      envelope(poisoned.phoneNumberId, {
        messages: [text({ type: `te${NUL}xt`, text: { body: 'odd type' } })],
      }),
      envelope(poisoned.phoneNumberId, {
        statuses: [
          {
            id: randomWamid(),
            status: 'failed',
            timestamp: now(),
            recipient_id: phone,
            errors: [{ code: 131026, title: `Undeliverable${NUL}` }],
          },
        ],
      }),
      envelope(other.phoneNumberId, { messages: [text({ text: { body: 'neighbour' } })] }),
    ]
    for (const body of bodies) await mustAccept(body)
    await processDueEvents(t.jobDeps)

    const events = [...(await eventsOf(poisoned)), ...(await eventsOf(other))]
    expect(events.map((e) => e.state)).toEqual(Array(5).fill('processed'))
    expect(await allMessages(other)).toHaveLength(1)
    const stored = await allMessages(poisoned)
    expect(stored).toHaveLength(4)
    expect(stored.every((m) => !m.wamid.includes(NUL) && !m.type.includes(NUL))).toBe(true)
    const people = await withTenant(t.deps.db, poisoned.workspaceId, (tx) =>
      tx.select().from(contacts),
    )
    expect(people.map((c) => c.profileName)).toContain('AnaLima')
  })
})

describe('one body never fails another', () => {
  it('answers 200 to concurrent webhooks of other workspaces while a privacy-mode body holds messages: [null]', async () => {
    const privateWs = await seedWorkspace(t.deps, 'Private null')
    await setPrivacyMode(privateWs)
    const others = await Promise.all([1, 2, 3].map((n) => seedWorkspace(t.deps, `Busy ${n}`)))
    const bad = envelope(privateWs.phoneNumberId, { messages: [null] } as never)
    const good = others.flatMap((ws) =>
      Array.from({ length: 10 }, () => envelope(ws.phoneNumberId, { messages: [text()] })),
    )
    const answers = await Promise.all(
      [bad, ...good, bad.replace('"messages"', ' "messages"')].map((b) => postWebhook(t, b)),
    )
    expect(answers.slice(1, -1).map((r) => r.status)).toEqual(Array(30).fill(200))
    expect(answers[0]?.status).toBe(200)
    await processDueEvents(t.jobDeps)
    for (const ws of others) expect(await allMessages(ws)).toHaveLength(10)
    const [event] = await eventsOf(privateWs)
    expect(event).toMatchObject({ state: 'processed' })
    expect(event?.lastError).toMatch(/message 0.*not an object/)
  })
})

describe('privacy mode with malformed messages', () => {
  it('stores only the reason of a message nested 100 000 deep and applies the one beside it', async () => {
    const ws = await seedWorkspace(t.deps, 'Private deep')
    await setPrivacyMode(ws)
    const valid = text({ text: { body: 'kept as metadata' } })
    const deep = '{"a":'.repeat(100_000) + '"secret"' + '}'.repeat(100_000)
    const body = envelope(ws.phoneNumberId, {
      messages: [valid, text({ context: 'RAW' }), 'a secret string'],
      statuses: [{ id: randomWamid(), status: 'read', timestamp: now(), errors: ['RAW'] }],
    } as never).replaceAll('"RAW"', deep)
    await mustAccept(body)
    await processDueEvents(t.jobDeps)
    expect((await allMessages(ws)).map((m) => m.wamid)).toEqual([valid.id])
    const [event] = await eventsOf(ws)
    expect(event).toMatchObject({ state: 'processed', contentRedacted: true })
    expect(event?.lastError).toMatch(
      /message 1: nests deeper.*message 2: is not an object.*status 0: nests deeper/,
    )
    expect(t.deps.cipher.decrypt(event?.bodyEnc ?? '')).not.toContain('secret')
  })
})

describe('signed bodies of the wrong shape', () => {
  let ws: Workspace
  beforeAll(async () => {
    ws = await seedWorkspace(t.deps, 'Shapes')
  })

  // `raw` replaces a "RAW" string in the body, for JSON too deep to build with JSON.stringify.
  async function deliver(value: Record<string, unknown>, raw = '') {
    const valid = text({ text: { body: 'valid beside it' } })
    const body = envelope(ws.phoneNumberId, {
      ...value,
      messages: [valid, ...((value.messages as unknown[] | undefined) ?? [])],
    } as never).replace('"RAW"', raw)
    await mustAccept(body)
    await processDueEvents(t.jobDeps)
    const stored = await allMessages(ws)
    expect(stored.map((m) => m.wamid)).toContain(valid.id)
    const events = await eventsOf(ws)
    return events.at(-1)
  }

  it.each([
    ['from as a number', { messages: [text({ from: 15551234567 })] }, /message 1.*from/],
    ['a message without id', { messages: [text({ id: undefined })] }, /message 1.*id/],
    ['a status without id', { statuses: [{ status: 'read', timestamp: now() }] }, /status 0.*id/],
  ])(
    'applies the valid message beside %s and records the rest as malformed at once',
    async (_, value, reason) => {
      const event = await deliver(value)
      expect(event).toMatchObject({ state: 'processed', attempts: 1 })
      expect(event?.lastError).toMatch(reason)
    },
  )

  it('applies the valid message beside one nested 100 000 deep inside context', async () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)
    const event = await deliver({ messages: [text({ context: 'RAW' })] }, deep)
    expect(event).toMatchObject({ state: 'processed', attempts: 1 })
    expect(event?.lastError).toMatch(/message 1: nests deeper/)
  })

  it('records the message beside messages given as an object as malformed', async () => {
    const body = envelope(ws.phoneNumberId, { messages: text() } as never)
    await mustAccept(body)
    await processDueEvents(t.jobDeps)
    const event = (await eventsOf(ws)).at(-1)
    expect(event).toMatchObject({ state: 'processed', attempts: 1 })
    expect(event?.lastError).toMatch(/messages.*not a list/)
  })

  it('falls back to the receive time for a timestamp of 10^20', async () => {
    const message = text({ timestamp: '100000000000000000000' })
    await mustAccept(envelope(ws.phoneNumberId, { messages: [message] }))
    await processDueEvents(t.jobDeps)
    const [stored] = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
      tx
        .select()
        .from(messages)
        .where(inArray(messages.wamid, [message.id])),
    )
    expect(stored?.sentAt.getFullYear()).toBe(new Date().getFullYear())
  })

  it('accepts a body with a BOM before the JSON and processes it', async () => {
    const message = text()
    const body = '\uFEFF' + envelope(ws.phoneNumberId, { messages: [message] })
    await mustAccept(body)
    await processDueEvents(t.jobDeps)
    expect((await allMessages(ws)).map((m) => m.wamid)).toContain(message.id)
  })
})

describe('a NUL in a query parameter', () => {
  it('answers 422 validation_failed on the API', async () => {
    const ws = await seedWorkspace(t.deps, 'Query NUL')
    const response = await t.app.request('/api/v1/contacts?q=%00', {
      headers: { authorization: `Bearer ${ws.keys.owner}` },
    })
    expect(response.status).toBe(422)
    expect(await response.json()).toMatchObject({ code: 'validation_failed' })
  })

  it.each(['/inbox?q=%00', '/audit?action=%00', '/contacts?q=a%00b', '/inbox?q=ok&status=%00'])(
    'answers 422 with a readable page for %s',
    async (path) => {
      const ws = await seedWorkspace(t.deps, 'Console NUL')
      const owner = await signedIn(t.app, ws.users.owner)
      const response = await owner.get(path)
      expect(response.status).toBe(422)
      expect(await response.text()).toMatch(/not valid/i)
    },
  )
})

describe('malformed items under Settings', () => {
  it('shows owners and admins the reasons, and no one in another workspace', async () => {
    const ws = await seedWorkspace(t.deps, 'Malformed list')
    const other = await seedWorkspace(t.deps, 'Malformed elsewhere')
    await mustAccept(envelope(ws.phoneNumberId, { messages: [text(), text({ from: 42 })] }))
    await processDueEvents(t.jobDeps)
    for (const role of ['owner', 'admin'] as const) {
      const html = await (await (await signedIn(t.app, ws.users[role])).get('/settings')).text()
      expect(html).toContain('left out as malformed')
      expect(html).toContain('message 1: &quot;from&quot; is missing or of the wrong type')
    }
    const sales = await signedIn(t.app, ws.users.sales)
    expect((await sales.get('/settings')).status).toBe(403)
    const elsewhere = await signedIn(t.app, other.users.owner)
    expect(await (await elsewhere.get('/settings')).text()).not.toContain('left out as malformed')
  })
})
