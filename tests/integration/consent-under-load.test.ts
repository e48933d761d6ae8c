import { setTimeout as sleep } from 'node:timers/promises'
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { withSystem } from '../../src/db/tenant.js'
import { processDueEvents } from '../../src/webhooks/process.js'
import { noteActivity } from '../../src/conversations/activity.js'
import { envelope, inboundMessage, randomPhone, randomWamid, receive } from '../helpers/inbound.js'
import { postWebhook } from '../helpers/webhooks.js'
import {
  contactByPhone,
  dispatchFor,
  sendsOf,
  setWorkspaceSettings,
  useSendingSuite,
} from '../helpers/sending.js'
import { seedWorkspace } from '../helpers/workspace.js'

const suite = useSendingSuite('Consent under load')

type Workspace = typeof suite.ws

async function contactWhoWrote(ws: Workspace = suite.ws) {
  const phone = randomPhone()
  await receive(suite.t, inboundMessage(ws.phoneNumberId, { from: phone, text: 'Hello' }))
  const contact = await contactByPhone(suite.t, ws.workspaceId, phone)
  return { phone, id: contact.id }
}

function sendText(contactId: string, ws: Workspace = suite.ws, text = 'An offer') {
  return suite.t.app.request(`/api/v1/contacts/${contactId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ws.keys.sales}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  })
}

async function sendsTo(contactId: string, ws: Workspace = suite.ws) {
  return (await sendsOf(suite.t, ws.workspaceId)).filter((s) => s.contactId === contactId)
}

function holdCount(workspaceId: string) {
  return withSystem(suite.t.deps.db, async (tx) => {
    const result = await tx.execute<{ n: number }>(
      sql`select count(*)::int as n from consent_holds where workspace_id = ${workspaceId}`,
    )
    return result.rows[0]?.n ?? 0
  })
}

describe('a STOP holds from the moment Meta gets its 200', () => {
  it('refuses and skips sends to the contact before the STOP is processed', async () => {
    const contact = await contactWhoWrote()
    expect((await sendText(contact.id)).status).toBe(202)
    const stop = await postWebhook(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: contact.phone, text: 'Stop!' }),
    )
    expect(stop.status).toBe(200)
    expect(await holdCount(suite.ws.workspaceId)).toBe(1)
    // Not processed yet: the API already refuses, and the queued send is skipped, not sent.
    expect((await sendText(contact.id)).status).toBe(409)
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
    expect(suite.meta.sendsTo(`+${contact.phone}`)).toEqual([])
    const [skipped] = await sendsTo(contact.id)
    expect(skipped).toMatchObject({ state: 'skipped', skipReason: 'contact_opted_out' })
    // Processing records the opt-out, clears the hold and the confirmation goes out.
    await processDueEvents(suite.t.jobDeps)
    expect(await holdCount(suite.ws.workspaceId)).toBe(0)
    expect((await contactByPhone(suite.t, suite.ws.workspaceId, contact.phone)).consentState).toBe(
      'opted_out',
    )
    suite.t.clock.advance(6500)
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
    const reached = suite.meta.sendsTo(`+${contact.phone}`)
    expect(reached.map((s) => s.body.text?.body)).toEqual([expect.stringMatching(/unsubscribed/i)])
  })

  it('answers the STOP only once a call that looked before its hold has ended', async () => {
    const contact = await contactWhoWrote()
    expect((await sendText(contact.id)).status).toBe(202)
    suite.meta.sendDelayMs = 400
    try {
      const dispatching = dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
      while (suite.meta.sendsTo(`+${contact.phone}`).length === 0) await sleep(5)
      const stop = inboundMessage(suite.ws.phoneNumberId, { from: contact.phone, text: 'STOP' })
      expect((await postWebhook(suite.t, stop)).status).toBe(200)
      const answeredAt = Date.now()
      const [call] = suite.meta.sendsTo(`+${contact.phone}`)
      expect(answeredAt - (call?.at ?? 0)).toBeGreaterThanOrEqual(400)
      await dispatching
    } finally {
      suite.meta.sendDelayMs = 0
    }
    await processDueEvents(suite.t.jobDeps)
  })

  it('holds nothing for a START, a sentence or a redelivered STOP already processed', async () => {
    const contact = await contactWhoWrote()
    const stop = inboundMessage(suite.ws.phoneNumberId, { from: contact.phone, text: 'STOP' })
    await receive(suite.t, stop)
    await postWebhook(suite.t, stop)
    const words = ['START', 'please stop calling me at night'].map((text) =>
      inboundMessage(suite.ws.phoneNumberId, { from: contact.phone, text }),
    )
    for (const body of words) expect((await postWebhook(suite.t, body)).status).toBe(200)
    expect(await holdCount(suite.ws.workspaceId)).toBe(0)
    await processDueEvents(suite.t.jobDeps)
  })
})

describe('when a contact opts out', () => {
  it('skips every send queued to them at once, keeping only the confirmation', async () => {
    const contact = await contactWhoWrote()
    for (let i = 0; i < 5; i++) expect((await sendText(contact.id)).status).toBe(202)
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: contact.phone, text: 'UNSUBSCRIBE' }),
    )
    const sends = await sendsTo(contact.id)
    expect(sends.filter((s) => s.origin === 'api').map((s) => s.state)).toEqual(
      Array(5).fill('skipped'),
    )
    expect(sends.filter((s) => s.origin === 'confirmation').map((s) => s.state)).toEqual(['queued'])
  })

  it('sends the confirmation before anything else queued for the number', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Confirmation first')
    await setWorkspaceSettings(suite.t, ws.workspaceId, { messagesPerSecond: 1 })
    const others = [await contactWhoWrote(ws), await contactWhoWrote(ws)]
    for (const other of others) expect((await sendText(other.id, ws)).status).toBe(202)
    const stopper = await contactWhoWrote(ws)
    await receive(suite.t, inboundMessage(ws.phoneNumberId, { from: stopper.phone, text: 'BAJA' }))
    await dispatchFor(suite.jobDeps, ws.workspaceId, { noWaiting: true })
    const numbers = new Set([stopper, ...others].map((c) => `+${c.phone}`))
    const first = suite.meta.sends.find((s) => numbers.has(s.body.to ?? ''))
    expect(first?.body.to).toBe(`+${stopper.phone}`)
  })
})

describe('one lock order: contact, then conversation', () => {
  it('lets a send being queued and a STOP behind a message of the same batch both finish', async () => {
    const contact = await contactWhoWrote()
    const { workspaceId } = suite.ws
    // One webhook body: "hello" (touches the conversation) then STOP (locks the contact).
    const body = envelope(suite.ws.phoneNumberId, {
      contacts: [{ wa_id: contact.phone, profile: { name: 'Load' } }],
      messages: ['hello again', 'STOP'].map((text, i) => ({
        from: contact.phone,
        id: randomWamid(),
        timestamp: String(Math.floor(Date.now() / 1000) + i),
        type: 'text' as const,
        text: { body: text },
      })),
    })
    expect((await postWebhook(suite.t, body)).status).toBe(200)
    // queueSend's order, held open: the contact share-locked, then the conversation upserted.
    // This side would notice a lock cycle first (its deadlock timeout is the shorter).
    let processing: Promise<unknown> = Promise.resolve()
    await withSystem(suite.t.deps.db, async (tx) => {
      await tx.execute(sql`set local deadlock_timeout = '100ms'`)
      await tx.execute(sql`select id from contacts where id = ${contact.id} for key share`)
      processing = processDueEvents(suite.t.jobDeps)
      await sleep(500)
      await noteActivity(tx, { workspaceId, contactId: contact.id, messageAt: new Date() })
    })
    await processing
    const sha = createHash('sha256').update(body).digest('hex')
    const [event] = await withSystem(suite.t.deps.db, async (tx) => {
      const result = await tx.execute<{ state: string; attempts: number }>(
        sql`select state, attempts from webhook_events where body_sha256 = ${sha}`,
      )
      return result.rows
    })
    expect(event).toEqual({ state: 'processed', attempts: 1 })
    const state = (await contactByPhone(suite.t, workspaceId, contact.phone)).consentState
    expect(state).toBe('opted_out')
  })
})
