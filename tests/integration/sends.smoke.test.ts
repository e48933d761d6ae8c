import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import { contactByPhone, dispatchFor, startFakeMeta } from '../helpers/sending.js'
import type { FakeMetaGraph } from '../fakes/meta-graph.js'

// The send path on both databases: on PGlite every open transaction holds up the others, and
// a send keeps one open across its call to Meta (see src/outbound/deliver.ts).
let t: TestApp
let meta: FakeMetaGraph
let jobDeps: TestApp['jobDeps']
let closeMeta: () => Promise<void>
let ws: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ;({ meta, jobDeps, close: closeMeta } = await startFakeMeta(t))
  ws = await seedWorkspace(t.deps, 'Smoke sends')
})
afterAll(async () => {
  await closeMeta()
  await t.close()
})

function send(contactId: string, text: string) {
  return t.app.request(`/api/v1/contacts/${contactId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ws.keys.sales}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  })
}

describe('sending on this database', () => {
  it('delivers replies, confirms a STOP once and refuses everything after it', async () => {
    const phones = [randomPhone(), randomPhone(), randomPhone()]
    for (const from of phones)
      await receive(t, inboundMessage(ws.phoneNumberId, { from, text: 'Hi' }))
    const contacts = await Promise.all(phones.map((p) => contactByPhone(t, ws.workspaceId, p)))
    for (const contact of contacts) expect((await send(contact.id, 'Welcome')).status).toBe(202)
    await dispatchFor(jobDeps, ws.workspaceId, { noWaiting: true })
    expect(meta.sends.filter((s) => s.phoneNumberId === ws.phoneNumberId)).toHaveLength(3)
    const [first] = phones
    const [stopped] = contacts
    if (!first || !stopped) throw new Error('no contact')
    t.clock.advance(7000)
    await receive(t, inboundMessage(ws.phoneNumberId, { from: first, text: 'STOP' }))
    expect((await send(stopped.id, 'Offer')).status).toBe(409)
    await dispatchFor(jobDeps, ws.workspaceId, { noWaiting: true })
    const texts = meta.sendsTo(`+${first}`).map((s) => s.body.text?.body)
    expect(texts).toHaveLength(2)
    expect(texts[1]).toMatch(/unsubscribed/)
    expect(meta.problems).toEqual([])
  })
})
