import { createServer, type AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { seedWorkspace } from '../helpers/workspace.js'
import { inboundMessage, receive } from '../helpers/inbound.js'
import {
  contactByPhone,
  contactWhoWrote as writtenContact,
  dispatchFor,
  queueThroughGate,
  sendRow as oneSend,
  sendsOf,
  setWorkspaceSettings,
  useSendingSuite,
  workspaceRow,
} from '../helpers/sending.js'
import { graphError } from '../fakes/meta-graph.js'
import { metaTemplate, syncTemplatesInto } from '../helpers/templates.js'
import type { SendContent } from '../../src/outbound/content.js'

const suite = useSendingSuite('Delivery')

type Workspace = Awaited<ReturnType<typeof seedWorkspace>>

const contactWhoWrote = (ws: Workspace) => writtenContact(suite.t, ws)

const text = (body: string): SendContent => ({ kind: 'text', text: body })
const promo: SendContent = { kind: 'template', template: { name: 'promo', language: 'en_US' } }

/** Queues through the gate as any sender does; returns the send id. */
const queue = (ws: Workspace, contactId: string, content = text('Hi')) =>
  queueThroughGate(suite.t, ws, { contactId, content })

const sendRow = (ws: Workspace, id: string) => oneSend(suite.t, ws.workspaceId, id)

/** The URL of a loopback port nothing listens on (connections are refused). */
async function closedPort(): Promise<string> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  await new Promise((done) => server.close(done))
  return `http://127.0.0.1:${port}`
}

const to = (phone: string) => (body: { to?: string }) => body.to === `+${phone}`

describe('errors from Meta, by class', () => {
  it('retries a throughput error after its backoff and then sends once', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Retry')
    const contact = await contactWhoWrote(ws)
    const id = await queue(ws, contact.id)
    suite.meta.failSends(graphError(400, 130429, 'Rate limit hit'), { match: to(contact.phone) })
    // The retry is due within seconds, so the same run waits for it, on the test clock as Meta
    // sees it.
    suite.meta.now = () => suite.t.clock.now().getTime()
    try {
      await dispatchFor(suite.jobDeps, ws.workspaceId, { clock: suite.t.clock })
    } finally {
      suite.meta.now = Date.now
    }
    expect(await sendRow(ws, id)).toMatchObject({ state: 'sent', attempts: 2 })
    const refused = suite.meta.refusedSends.filter((r) => to(contact.phone)(r.body))
    const sent = suite.meta.sendsTo(`+${contact.phone}`)
    expect([refused.length, sent.length]).toEqual([1, 1])
    expect((sent[0]?.at ?? 0) - (refused[0]?.at ?? 0)).toBeGreaterThanOrEqual(5000)
  })

  it.each([131026, 131047, 100, 131008, 131009])('gives up on %i after one call', async (code) => {
    const ws = await seedWorkspace(suite.t.deps, 'Fail')
    const contact = await contactWhoWrote(ws)
    const id = await queue(ws, contact.id)
    suite.meta.failSends(graphError(400, code, `error ${code}`, 'details from Meta'), {
      match: to(contact.phone),
    })
    await dispatchFor(suite.jobDeps, ws.workspaceId)
    suite.t.clock.advance(60_000)
    await dispatchFor(suite.jobDeps, ws.workspaceId)
    expect(await sendRow(ws, id)).toMatchObject({
      state: 'failed',
      attempts: 1,
      lastError: { code, details: 'details from Meta' },
    })
    expect(suite.meta.refusedSends.filter((r) => to(contact.phone)(r.body))).toHaveLength(1)
  })

  it('waits a day after 131049', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Ecosystem')
    const contact = await contactWhoWrote(ws)
    const id = await queue(ws, contact.id)
    suite.meta.failSends(graphError(400, 131049, 'healthy ecosystem'), { match: to(contact.phone) })
    await dispatchFor(suite.jobDeps, ws.workspaceId)
    const row = await sendRow(ws, id)
    expect(row.state).toBe('queued')
    expect(row.nextAttemptAt.getTime() - suite.t.clock.now().getTime()).toBeGreaterThan(
      23.9 * 3600_000,
    )
  })

  it('stops marketing on 131050 and does not retry', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Marketing')
    await syncTemplatesInto(suite, ws.workspaceId, [
      metaTemplate('promo', { category: 'MARKETING' }),
    ])
    const contact = await contactWhoWrote(ws)
    const id = await queue(ws, contact.id, promo)
    suite.meta.failSends(graphError(400, 131050, 'stopped marketing'), { match: to(contact.phone) })
    await dispatchFor(suite.jobDeps, ws.workspaceId)
    expect(await sendRow(ws, id)).toMatchObject({ state: 'failed', lastError: { code: 131050 } })
    expect((await contactByPhone(suite.t, ws.workspaceId, contact.phone)).marketingState).toBe(
      'stopped',
    )
  })

  it.each([190, 368])(
    'pauses the workspace on %i: no further call, and the queue waits untried',
    async (code) => {
      const ws = await seedWorkspace(suite.t.deps, 'Paused')
      // One a second: the sends behind the first are waiting for their slot when it is refused.
      await setWorkspaceSettings(suite.t, ws.workspaceId, { messagesPerSecond: 1 })
      const contacts = []
      for (let i = 0; i < 4; i++) contacts.push(await contactWhoWrote(ws))
      const ids = []
      for (const contact of contacts) ids.push(await queue(ws, contact.id))
      const phones = new Set(contacts.map((c) => `+${c.phone}`))
      const ours = (body: { to?: string }) => phones.has(body.to ?? '')
      suite.meta.failSends(graphError(401, code, 'token or account problem'), { match: ours })
      // A slow answer: the next send is leased and waiting for its slot when the pause lands.
      suite.meta.sendDelayMs = 300
      try {
        await dispatchFor(suite.jobDeps, ws.workspaceId)
      } finally {
        suite.meta.sendDelayMs = 0
      }
      const paused = await workspaceRow(suite.t, ws.workspaceId)
      expect(paused.sendingPausedAt).not.toBeNull()
      expect(paused.sendingPausedReason).toContain(String(code))
      expect(suite.meta.refusedSends.filter((r) => ours(r.body))).toHaveLength(1)
      expect(suite.meta.sends.filter((r) => ours(r.body))).toHaveLength(0)
      const rows = await Promise.all(ids.map((id) => sendRow(ws, id)))
      expect(rows.map((r) => r.state)).toEqual(['queued', 'queued', 'queued', 'queued'])
      expect(rows.map((r) => r.attempts).sort()).toEqual([0, 0, 0, 1])
    },
  )

  it('retries when Meta cannot be reached at all', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Offline')
    const contact = await contactWhoWrote(ws)
    const id = await queue(ws, contact.id)
    const offline = {
      ...suite.jobDeps,
      graph: { ...suite.jobDeps.graph, baseUrl: await closedPort() },
    }
    await dispatchFor(offline, ws.workspaceId, { clock: suite.t.clock })
    // A refused connection carried no request: it is retried (twice within this run), never unknown.
    const row = await sendRow(ws, id)
    expect(row.state).toBe('queued')
    expect(row.attempts).toBe(2)
  })
})

describe('a workspace that stores no message content', () => {
  it('keeps the words of a send only until it is done, whatever the outcome', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Private')
    await setWorkspaceSettings(suite.t, ws.workspaceId, { storeMessageContent: false })
    const reached = await contactWhoWrote(ws)
    const stopping = await contactWhoWrote(ws)
    const sentId = await queue(ws, reached.id, text('See you at 8'))
    const skippedId = await queue(ws, stopping.id, text('See you at 9'))
    expect((await sendRow(ws, sentId)).contentEnc).not.toBeNull()
    await receive(suite.t, inboundMessage(ws.phoneNumberId, { from: stopping.phone, text: 'stop' }))
    await dispatchFor(suite.jobDeps, ws.workspaceId)
    const rows = await sendsOf(suite.t, ws.workspaceId)
    expect(rows.find((r) => r.id === sentId)).toMatchObject({ state: 'sent', contentEnc: null })
    expect(rows.find((r) => r.id === skippedId)).toMatchObject({
      state: 'skipped',
      contentEnc: null,
    })
    expect(rows.map((r) => r.contentEnc)).toEqual(rows.map(() => null))
    expect(suite.meta.sendsTo(`+${reached.phone}`).map((s) => s.body.text?.body)).toEqual([
      'See you at 8',
    ])
  })
})

describe('pacing', () => {
  it('keeps a business number at its configured rate', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Paced')
    await setWorkspaceSettings(suite.t, ws.workspaceId, { messagesPerSecond: 4 })
    const contacts = []
    for (let i = 0; i < 12; i++) contacts.push(await contactWhoWrote(ws))
    for (const contact of contacts) await queue(ws, contact.id)
    const started = Date.now()
    await dispatchFor(suite.jobDeps, ws.workspaceId)
    expect(suite.meta.sends.filter((s) => s.phoneNumberId === ws.phoneNumberId)).toHaveLength(12)
    // Real time: arrivals at Meta, as Meta counts them. The window is a little shorter than a
    // second because a loaded machine delays some calls after their slot (the exact window is
    // proven on a fake clock in src/outbound/pacing.test.ts); unpaced, all 12 arrive at once.
    expect(suite.meta.maxSendsInAnyWindow(ws.phoneNumberId, 800)).toBeLessThanOrEqual(4)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000)
  })

  it('leaves at least 6 seconds between two messages to the same contact', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Pair')
    const contact = await contactWhoWrote(ws)
    for (const body of ['one', 'two', 'three']) await queue(ws, contact.id, text(body))
    // On the test clock: the run waits out the spacing by moving that clock on, not in real time,
    // and Meta sees arrivals on that clock.
    suite.meta.now = () => suite.t.clock.now().getTime()
    try {
      await dispatchFor(suite.jobDeps, ws.workspaceId, { clock: suite.t.clock })
    } finally {
      suite.meta.now = Date.now
    }
    const times = suite.meta.sendsTo(`+${contact.phone}`).map((s) => s.at)
    expect(suite.meta.sendsTo(`+${contact.phone}`).map((s) => s.body.text?.body)).toEqual([
      'one',
      'two',
      'three',
    ])
    const gaps = times.slice(1).map((at, i) => at - (times[i] ?? 0))
    expect(gaps).toHaveLength(2)
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(6000)
  })
})
