import { describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { seedWorkspace } from '../helpers/workspace.js'
import {
  failedStatus,
  inboundMessage,
  marketingPreference,
  randomPhone,
  randomWamid,
  receive,
} from '../helpers/inbound.js'
import {
  contactByPhone,
  dispatchFor,
  sendsOf,
  setWorkspaceSettings,
  useSendingSuite,
} from '../helpers/sending.js'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { consentEvents, contacts, messages } from '../../src/db/schema.js'
import { DEFAULT_CONFIRMATIONS } from '../../src/consent/rules.js'

const suite = useSendingSuite('Consent')

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000)

function logOf(contactId: string) {
  return withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
    tx
      .select()
      .from(consentEvents)
      .where(eq(consentEvents.contactId, contactId))
      .orderBy(consentEvents.createdAt),
  )
}

/** Texts sent to this phone that reached the fake Meta. */
function textsTo(phone: string) {
  return suite.meta.sendsTo(`+${phone}`).map((s) => s.body.text?.body)
}

describe('STOP and START keywords', () => {
  it('opts out on STOP, confirms once, and a repeated STOP changes and confirms nothing', async () => {
    const phone = randomPhone()
    const stop = randomWamid()
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: phone, text: ' Stop. ', wamid: stop }),
    )
    const contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
    expect(contact.consentState).toBe('opted_out')
    const [entry] = await logOf(contact.id)
    expect(entry).toMatchObject({
      scope: 'messaging',
      method: 'keyword',
      keyword: 'stop',
      language: 'en',
      wamid: stop,
      previousState: 'subscribed',
      newState: 'opted_out',
      superseded: false,
    })
    await receive(suite.t, inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'STOP' }))
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId)
    expect(textsTo(phone)).toEqual([DEFAULT_CONFIRMATIONS.en.optOut])
    const log = await logOf(contact.id)
    expect(log.map((e) => [e.previousState, e.newState])).toEqual([
      ['subscribed', 'opted_out'],
      ['opted_out', 'opted_out'],
    ])
  })

  it('opts back in on START, and only the latest change is confirmed', async () => {
    const phone = randomPhone()
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'baja', at: secondsAgo(20) }),
    )
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'START', at: secondsAgo(10) }),
    )
    const contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
    expect(contact.consentState).toBe('subscribed')
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId)
    // The opt-out confirmation was overtaken by the opt-in before it went: only the latest change is confirmed.
    expect(textsTo(phone)).toEqual([DEFAULT_CONFIRMATIONS.en.optIn])
    const mine = (await sendsOf(suite.t, suite.ws.workspaceId)).filter(
      (s) => s.contactId === contact.id,
    )
    expect(mine.map((s) => [s.state, s.skipReason])).toEqual([
      ['skipped', 'confirmation_superseded'],
      ['sent', null],
    ])
  })

  it('confirms a Spanish opt-out in Spanish', async () => {
    const phone = randomPhone()
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'Dar de baja' }),
    )
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId)
    expect(textsTo(phone)).toEqual([DEFAULT_CONFIRMATIONS.es.optOut])
  })

  it('does not treat sentences that mention stop as opt-outs', async () => {
    const phone = randomPhone()
    for (const text of ["don't stop", 'stop by tomorrow?', 'Stop promotions please']) {
      await receive(suite.t, inboundMessage(suite.ws.phoneNumberId, { from: phone, text }))
    }
    const contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
    expect(contact.consentState).toBe('subscribed')
    expect(await logOf(contact.id)).toEqual([])
  })

  it('keeps the newer decision when a STOP and a START arrive out of order', async () => {
    const phone = randomPhone()
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'start', at: secondsAgo(5) }),
    )
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'stop', at: secondsAgo(60) }),
    )
    const contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
    expect(contact.consentState).toBe('subscribed')
    const late = (await logOf(contact.id)).find((e) => e.keyword === 'stop')
    expect(late).toMatchObject({
      superseded: true,
      previousState: 'subscribed',
      newState: 'subscribed',
    })
  })

  it('keeps the opt-out when STOP and START share a second', async () => {
    const phone = randomPhone()
    const at = secondsAgo(30)
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'stop', at }),
    )
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'start', at }),
    )
    expect((await contactByPhone(suite.t, suite.ws.workspaceId, phone)).consentState).toBe(
      'opted_out',
    )
  })

  it('logs and confirms a redelivered STOP only once', async () => {
    const phone = randomPhone()
    const body = inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'stop' })
    // Meta redelivers the same bytes, and sometimes the same event re-encoded.
    await receive(suite.t, body, body, JSON.stringify(JSON.parse(body), null, 1))
    const contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
    expect(await logOf(contact.id)).toHaveLength(1)
    expect(
      (await sendsOf(suite.t, suite.ws.workspaceId)).filter((s) => s.contactId === contact.id),
    ).toHaveLength(1)
  })
})

describe('marketing opt-out', () => {
  it('stops marketing on the opt-out button, Meta stop/resume and error 131050', async () => {
    const phone = randomPhone()
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, {
        from: phone,
        button: { text: 'Stop promotions', payload: 'Stop promotions' },
        at: secondsAgo(30),
      }),
    )
    let contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
    expect([contact.consentState, contact.marketingState]).toEqual(['subscribed', 'stopped'])
    await receive(
      suite.t,
      marketingPreference(suite.ws.phoneNumberId, phone, 'resume', secondsAgo(20)),
    )
    contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
    expect(contact.marketingState).toBe('allowed')
    await receive(suite.t, failedStatus(suite.ws.phoneNumberId, phone, 131050))
    contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
    expect(contact.marketingState).toBe('stopped')
    const methods = (await logOf(contact.id)).map((e) => [e.method, e.newState])
    expect(methods).toEqual([
      ['button', 'stopped'],
      ['platform', 'allowed'],
      ['platform', 'stopped'],
    ])
  })

  it('treats a workspace-defined button payload as its opt-out button', async () => {
    await setWorkspaceSettings(suite.t, suite.ws.workspaceId, {
      consent: { overrides: {}, optOutButtons: ['NO_MORE_OFFERS'] },
    })
    const phone = randomPhone()
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, {
        from: phone,
        button: { payload: 'no_more_offers', text: 'No more offers' },
      }),
    )
    expect((await contactByPhone(suite.t, suite.ws.workspaceId, phone)).marketingState).toBe(
      'stopped',
    )
    await setWorkspaceSettings(suite.t, suite.ws.workspaceId, { consent: {} })
  })
})

describe('privacy mode and erasure', () => {
  it('honours STOP in a workspace that keeps no message content, keeping only the keyword', async () => {
    const quiet = await seedWorkspace(suite.t.deps, 'Quiet')
    await setWorkspaceSettings(suite.t, quiet.workspaceId, { storeMessageContent: false })
    const phone = randomPhone()
    await receive(suite.t, inboundMessage(quiet.phoneNumberId, { from: phone, text: '¡PARAR!' }))
    const contact = await contactByPhone(suite.t, quiet.workspaceId, phone)
    expect(contact.consentState).toBe('opted_out')
    const [stored] = await withTenant(suite.t.deps.db, quiet.workspaceId, (tx) =>
      tx.select().from(messages).where(eq(messages.contactId, contact.id)),
    )
    expect(stored?.textEnc).toBeNull()
    const raw = await withSystem(suite.t.deps.db, (tx) =>
      tx.execute<{ body_enc: string }>(
        sql`select body_enc from webhook_events where ${quiet.workspaceId}::uuid = any(workspace_ids)`,
      ),
    )
    const bodies = raw.rows.map((r) => suite.t.deps.cipher.decrypt(r.body_enc))
    expect(bodies.join()).not.toContain('¡PARAR!')
    expect(bodies.join()).toContain('"body":"parar"')
  })

  it('keeps the log and the opt-out when the contact is erased and comes back', async () => {
    const phone = randomPhone()
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'unsubscribe' }),
    )
    const erased = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
    await withSystem(suite.t.deps.db, (tx) => tx.delete(contacts).where(eq(contacts.id, erased.id)))
    const kept = await withSystem(suite.t.deps.db, (tx) =>
      tx
        .select()
        .from(consentEvents)
        .where(eq(consentEvents.phoneHash, erased.phoneIndex ?? '')),
    )
    expect(kept).toHaveLength(1)
    expect(kept[0]?.contactId).toBeNull()
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'hello again' }),
    )
    const returned = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
    expect(returned.id).not.toBe(erased.id)
    expect(returned.consentState).toBe('opted_out')
    expect(await logOf(returned.id)).toHaveLength(1)
  })

  it('lets the application role add to the log but never change or delete it', async () => {
    const phone = randomPhone()
    await receive(suite.t, inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'stop' }))
    const contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
    const tamper = [
      sql`update consent_events set new_state = 'subscribed' where contact_id = ${contact.id}`,
      sql`delete from consent_events where contact_id = ${contact.id}`,
    ]
    for (const statement of tamper) {
      const refusal = await withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
        tx.execute(statement),
      )
        .then(() => undefined)
        .catch((error: unknown) => (error as { cause?: Error }).cause?.message)
      expect(refusal).toMatch(/permission denied for table consent_events/)
    }
    expect(await logOf(contact.id)).toHaveLength(1)
  })
})

describe('consent across records and settings', () => {
  it('honours an opt-out button known only by its label in a workspace that keeps no content', async () => {
    const quiet = await seedWorkspace(suite.t.deps, 'Quiet buttons')
    await setWorkspaceSettings(suite.t, quiet.workspaceId, {
      storeMessageContent: false,
      consent: { overrides: {}, optOutButtons: ['No more offers'] },
    })
    const phone = randomPhone()
    const tap = { payload: 'TEMPLATE_BTN_7', text: 'No more offers' }
    await receive(suite.t, inboundMessage(quiet.phoneNumberId, { from: phone, button: tap }))
    expect((await contactByPhone(suite.t, quiet.workspaceId, phone)).marketingState).toBe('stopped')
  })

  it('keeps the opt-out and the queued sends when a BSUID record and a phone record merge', async () => {
    const bsuid = `US.${randomPhone()}`
    const phone = randomPhone()
    const ws = suite.ws
    await receive(
      suite.t,
      inboundMessage(ws.phoneNumberId, { bsuid, text: 'STOP', at: secondsAgo(60) }),
    )
    await receive(
      suite.t,
      inboundMessage(ws.phoneNumberId, { from: phone, text: 'Hi', at: secondsAgo(30) }),
    )
    const byPhone = await contactByPhone(suite.t, ws.workspaceId, phone)
    expect(byPhone.consentState).toBe('subscribed')
    const queued = await suite.t.app.request(`/api/v1/contacts/${byPhone.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.keys.sales}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Our spring offer' }),
    })
    expect(queued.status).toBe(202)
    const { id: sendId } = (await queued.json()) as { id: string }
    await receive(suite.t, inboundMessage(ws.phoneNumberId, { from: phone, bsuid, text: 'hello' }))
    const merged = await contactByPhone(suite.t, ws.workspaceId, phone)
    expect(merged.bsuid).toBe(bsuid)
    expect(merged.consentState).toBe('opted_out')
    expect((await logOf(merged.id)).map((e) => e.keyword)).toEqual(['stop'])
    await dispatchFor(suite.jobDeps, ws.workspaceId)
    const send = (await sendsOf(suite.t, ws.workspaceId)).find((s) => s.id === sendId)
    expect(send).toMatchObject({
      contactId: merged.id,
      state: 'skipped',
      skipReason: 'contact_opted_out',
    })
    const offers = suite.meta.sends.filter((s) => s.body.text?.body === 'Our spring offer')
    expect(offers.filter((s) => s.body.to === `+${phone}` || s.body.recipient === bsuid)).toEqual(
      [],
    )
  })
})
