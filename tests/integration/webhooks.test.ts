import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestApp, TEST_WHATSAPP, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { fixtureFor, postWebhook } from '../helpers/webhooks.js'
import { withSystem } from '../../src/db/tenant.js'
import { webhookEvents } from '../../src/db/schema.js'
import { signBody } from '../../src/whatsapp/signature.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Webhooks')
})
afterAll(() => t.close())

async function storedEvent(rawBody: string | Buffer) {
  const sha = createHash('sha256').update(rawBody).digest('hex')
  const [row] = await withSystem(t.deps.db, (tx) =>
    tx.select().from(webhookEvents).where(eq(webhookEvents.bodySha256, sha)),
  )
  return row
}

async function problemCode(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  return ((await response.json()) as { code: string }).code
}

const handshake = (query: string) => t.app.request(`/webhooks/whatsapp?${query}`)

describe('GET /webhooks/whatsapp (Meta handshake)', () => {
  it('echoes the challenge as plain text when the verify token matches', async () => {
    const response = await handshake(
      `hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${TEST_WHATSAPP.verifyToken}`,
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await response.text()).toBe('1158201444')
  })

  it.each([
    ['a wrong token', 'hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess'],
    ['no token', 'hub.mode=subscribe&hub.challenge=1'],
    ['another mode', `hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=test-verify-token`],
    ['no challenge', `hub.mode=subscribe&hub.verify_token=test-verify-token`],
  ])('refuses %s with 403 verification_failed, saying so', async (_, query) => {
    const response = await handshake(query)
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({
      code: 'verification_failed',
      title: 'Webhook verification failed: the mode or verify token does not match',
    })
  })

  it('refuses every handshake when no verify token is configured', async () => {
    const bare = createTestApp({ whatsapp: {} })
    try {
      const response = await bare.app.request(
        '/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=',
      )
      expect(response.status).toBe(403)
    } finally {
      await bare.close()
    }
  })
})

describe('POST /webhooks/whatsapp (signed, stored before 200)', () => {
  it('stores a correctly signed event before answering 200, for processing later', async () => {
    const body = fixtureFor('text', ws.phoneNumberId)
    const response = await postWebhook(t, body)
    expect(response.status).toBe(200)
    const row = await storedEvent(body)
    expect(row).toMatchObject({ state: 'pending', attempts: 0, workspaceIds: [ws.workspaceId] })
    // Encrypted at rest, and exactly the bytes Meta sent.
    expect(row?.bodyEnc).not.toContain('wamid')
    expect(t.deps.cipher.decrypt(row?.bodyEnc ?? '')).toBe(body)
    expect(t.jobs.payloadsOf('webhooks.process').length).toBeGreaterThan(0)
  })

  it.each([
    ['no signature header', null],
    ['a signature made with another secret', signBody('{}', 'not-the-secret')],
    ['a malformed signature header', 'sha1=abc'],
  ])('answers %s with 401 bad_signature and stores nothing', async (_, signature) => {
    const body = fixtureFor('image', ws.phoneNumberId)
    const response = await postWebhook(t, body, { signature })
    expect(response.status).toBe(401)
    expect(await problemCode(response)).toBe('bad_signature')
    expect(await storedEvent(body)).toBeUndefined()
  })

  it('refuses a body altered after signing', async () => {
    const body = fixtureFor('video', ws.phoneNumberId)
    const signature = signBody(body, TEST_WHATSAPP.appSecret)
    const response = await postWebhook(t, body.replace('video', 'image'), { signature })
    expect(response.status).toBe(401)
  })

  it('fails closed when no app secret is configured', async () => {
    const bare = createTestApp({ whatsapp: {} })
    try {
      const body = fixtureFor('audio-voice', ws.phoneNumberId)
      const response = await postWebhook(bare, body, { signature: signBody(body, '') })
      expect(response.status).toBe(401)
      expect(await storedEvent(body)).toBeUndefined()
    } finally {
      await bare.close()
    }
  })

  it.each([
    ['text that is not JSON', Buffer.from('entry=1&object=whatsapp')],
    ['truncated JSON', Buffer.from('{"object":"whatsapp_business_account","entry":[')],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ])('answers correctly signed %s with 400 malformed_payload', async (_, body) => {
    const response = await postWebhook(t, body)
    expect(response.status).toBe(400)
    expect(await problemCode(response)).toBe('malformed_payload')
    expect(await storedEvent(body)).toBeUndefined()
  })

  it('refuses a 5 MB body with 413 payload_too_large, signed or not', async () => {
    const padding = 'x'.repeat(5 * 1024 * 1024)
    const body = `{"object":"whatsapp_business_account","entry":[],"pad":"${padding}"}`
    const response = await postWebhook(t, body)
    expect(response.status).toBe(413)
    expect(await problemCode(response)).toBe('payload_too_large')
    expect(await storedEvent(body)).toBeUndefined()
  })

  it('accepts a 3 MB body, the most Meta sends', async () => {
    const envelope = JSON.parse(fixtureFor('text', ws.phoneNumberId)) as Record<string, unknown>
    const body = JSON.stringify({ ...envelope, pad: 'y'.repeat(3 * 1024 * 1024) })
    expect((await postWebhook(t, body)).status).toBe(200)
  })

  it('stores the same delivery only once when Meta sends it three times', async () => {
    const body = fixtureFor('document', ws.phoneNumberId)
    const answers = await Promise.all([1, 2, 3].map(() => postWebhook(t, body)))
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200])
    const sha = createHash('sha256').update(body).digest('hex')
    const rows = await withSystem(t.deps.db, (tx) =>
      tx.select().from(webhookEvents).where(eq(webhookEvents.bodySha256, sha)),
    )
    expect(rows).toHaveLength(1)
  })

  it('keeps and flags an event for a number no workspace owns', async () => {
    const body = fixtureFor('unknown-phone-number', '999999999999999')
    expect((await postWebhook(t, body)).status).toBe(200)
    expect(await storedEvent(body)).toMatchObject({
      workspaceIds: [],
      unknownPhoneNumberIds: ['999999999999999'],
    })
  })

  it('stores a signed JSON body that is not an envelope rather than lose it', async () => {
    const body = '{"hello":"world"}'
    expect((await postWebhook(t, body)).status).toBe(200)
    expect(await storedEvent(body)).toMatchObject({ state: 'pending' })
  })

  it('answers each of many concurrent deliveries only after its own commit', async () => {
    const bodies = Array.from({ length: 40 }, (_, i) =>
      fixtureFor('text', ws.phoneNumberId).replace('"timestamp"', `"seq":${i},"timestamp"`),
    )
    const answers = await Promise.all(bodies.map((body) => postWebhook(t, body)))
    expect(answers.every((r) => r.status === 200)).toBe(true)
    const stored = await Promise.all(bodies.map((body) => storedEvent(body)))
    expect(stored.every((row) => row !== undefined)).toBe(true)
  })
})
