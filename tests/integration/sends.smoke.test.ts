import { describe, expect, it } from 'vitest'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import { contactByPhone, dispatchFor, useSendingSuite } from '../helpers/sending.js'

// The send path on both databases: the external test server and the embedded one.
const suite = useSendingSuite('Smoke sends')

function send(contactId: string, text: string) {
  return suite.t.app.request(`/api/v1/contacts/${contactId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${suite.ws.keys.sales}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  })
}

describe('sending on this database', () => {
  it('delivers replies, confirms a STOP once and refuses everything after it', async () => {
    const phones = [randomPhone(), randomPhone(), randomPhone()]
    for (const from of phones)
      await receive(suite.t, inboundMessage(suite.ws.phoneNumberId, { from, text: 'Hi' }))
    const contacts = await Promise.all(
      phones.map((p) => contactByPhone(suite.t, suite.ws.workspaceId, p)),
    )
    for (const contact of contacts) expect((await send(contact.id, 'Welcome')).status).toBe(202)
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
    expect(suite.meta.sends.filter((s) => s.phoneNumberId === suite.ws.phoneNumberId)).toHaveLength(
      3,
    )
    const [first] = phones
    const [stopped] = contacts
    if (!first || !stopped) throw new Error('no contact')
    suite.t.clock.advance(7000)
    await receive(suite.t, inboundMessage(suite.ws.phoneNumberId, { from: first, text: 'STOP' }))
    expect((await send(stopped.id, 'Offer')).status).toBe(409)
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
    const texts = suite.meta.sendsTo(`+${first}`).map((s) => s.body.text?.body)
    expect(texts).toHaveLength(2)
    expect(texts[1]).toMatch(/unsubscribed/)
    expect(suite.meta.problems).toEqual([])
  })
})
