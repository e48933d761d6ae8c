import { setTimeout as sleep } from 'node:timers/promises'
import { expect, it } from 'vitest'
import fc from 'fast-check'
import { processDueEvents } from '../../src/webhooks/process.js'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import { postWebhook } from '../helpers/webhooks.js'
import { contactByPhone, dispatchFor, sendsOf, useSendingSuite } from '../helpers/sending.js'

const suite = useSendingSuite('STOP race')

/** One round: when each API sender starts, when the STOP comes, how slow Meta is. */
interface Round {
  readonly senders: readonly { readonly startMs: number; readonly count: number }[]
  readonly stopAtMs: number
  readonly processAfterMs: number
  readonly metaDelayMs: number
  readonly stopWord: string
}

const round: fc.Arbitrary<Round> = fc.record({
  senders: fc.array(
    fc.record({ startMs: fc.integer({ min: 0, max: 60 }), count: fc.integer({ min: 1, max: 3 }) }),
    { minLength: 1, maxLength: 8 },
  ),
  stopAtMs: fc.integer({ min: 0, max: 80 }),
  processAfterMs: fc.integer({ min: 0, max: 60 }),
  metaDelayMs: fc.integer({ min: 0, max: 25 }),
  stopWord: fc.constantFrom('STOP', 'stop.', 'UNSUBSCRIBE', 'BAJA', 'Stop!'),
})

async function playRound(r: Round) {
  const phone = randomPhone()
  const { workspaceId, phoneNumberId, keys } = suite.ws
  await receive(suite.t, inboundMessage(phoneNumberId, { from: phone, text: 'Hi' }))
  const contact = await contactByPhone(suite.t, workspaceId, phone)
  suite.meta.sendDelayMs = r.metaDelayMs
  const statuses: number[] = []
  const race = { on: true }
  let stopAckedAt = Infinity
  const send = async () => {
    const response = await suite.t.app.request(`/api/v1/contacts/${contact.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.sales}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'A promotion' }),
    })
    statuses.push(response.status)
  }
  const senders = r.senders.map(async (s) => {
    await sleep(s.startMs)
    for (let i = 0; i < s.count; i++) await send()
  })
  const dispatcher = (async () => {
    while (race.on) {
      // The pair limit counts on the test clock: moving it on lets the next message go now.
      suite.t.clock.advance(6500)
      await dispatchFor(suite.jobDeps, workspaceId, { noWaiting: true })
      await sleep(1)
    }
  })()
  const stop = (async () => {
    await sleep(r.stopAtMs)
    const body = inboundMessage(phoneNumberId, { from: phone, text: r.stopWord })
    const response = await postWebhook(suite.t, body)
    expect(response.status).toBe(200)
    stopAckedAt = Date.now()
    await sleep(r.processAfterMs)
    await processDueEvents(suite.t.jobDeps)
  })()
  await Promise.all([...senders, stop])
  race.on = false
  await dispatcher
  return { phone, contactId: contact.id, statuses, stopAckedAt }
}

it('never starts a call to Meta for anything but the confirmation once a STOP has its 200', async () => {
  await fc.assert(
    fc.asyncProperty(round, async (r) => {
      const { phone, contactId, statuses, stopAckedAt } = await playRound(r)
      // Whatever was left is the confirmation's turn.
      for (let i = 0; i < 3; i++) {
        suite.t.clock.advance(6500)
        await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
      }
      const sends = (await sendsOf(suite.t, suite.ws.workspaceId)).filter(
        (s) => s.contactId === contactId,
      )
      const confirmations = sends.filter((s) => s.origin === 'confirmation').map((s) => s.id)
      const calls = suite.meta.sendsTo(`+${phone}`)
      const late = calls.filter((c) => c.at >= stopAckedAt)
      const lateOthers = late.filter(
        (c) => !confirmations.includes(c.body.biz_opaque_callback_data ?? ''),
      )
      expect(lateOthers).toEqual([])
      expect(confirmations).toHaveLength(1)
      const confirmed = calls.filter((c) => c.body.biz_opaque_callback_data === confirmations[0])
      expect(confirmed).toHaveLength(1)
      expect(statuses.filter((s) => s !== 202 && s !== 409)).toEqual([])
      expect(sends.filter((s) => s.state === 'queued' || s.state === 'sending')).toEqual([])
    }),
    { numRuns: 15 },
  )
  suite.meta.sendDelayMs = 0
}, 240_000)
