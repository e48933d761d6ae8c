import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { withTenant } from '../../src/db/tenant.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { dispatchFor, sendsOf, setLastInbound } from '../helpers/sending.js'
import { conversations, messageTemplates } from '../../src/db/schema.js'
import { useInboxSuite } from '../helpers/inbox-suite.js'

const { suite, as, contactWrites, assign, page, auditActions } = useInboxSuite('Inbox composer')

describe('the composer', () => {
  it('sends a reply through the gate to Meta, audited, once per form', async () => {
    const talk = await contactWrites('can you call me?')
    const sales = await as('sales')
    const form = {
      text: '  Calling you in 5 minutes  ',
      key: '8d2b0c52-5b7e-4c4e-9d57-0d7b3c2a9e11',
    }
    const sent = await sales.post(`/conversations/${talk.conversationId}/messages`, form, {
      htmx: true,
    })
    expect(sent.status).toBe(200)
    expect(sent.headers.get('hx-trigger')).toBe(`conversation-${talk.conversationId}`)
    expect(await sent.text()).toContain('id="reply-text"')
    await sales.post(`/conversations/${talk.conversationId}/messages`, form, { htmx: true })
    const queued = (await sendsOf(suite.t, suite.ws.workspaceId)).filter(
      (s) => s.contactId === talk.contactId,
    )
    expect(queued).toHaveLength(1)
    expect(queued[0]).toMatchObject({
      origin: 'console',
      category: 'service',
      createdByUserId: suite.ws.users.sales.id,
    })
    const thread = await page(sales, `/conversations/${talk.conversationId}/thread`)
    expect(thread.html).toContain('Sending…')
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
    const toMeta = suite.meta.sends.filter((s) => s.body.to === talk.phone)
    expect(toMeta.map((s) => s.body.text?.body)).toEqual(['Calling you in 5 minutes'])
    const audit = (await auditActions()).filter((e) => e.recordId === queued[0]?.id)
    expect(audit).toMatchObject([{ action: 'message.send', actorId: suite.ws.users.sales.id }])
    expect(JSON.stringify(audit)).not.toContain('Calling you')
  })

  it('refuses an empty reply with the reason, and sends nothing', async () => {
    const talk = await contactWrites('hi')
    const response = await (
      await as('sales')
    ).post(`/conversations/${talk.conversationId}/messages`, { text: '   ' }, { htmx: true })
    expect(response.status).toBe(422)
    expect(await response.text()).toContain('Write a message first.')
    expect(
      (await sendsOf(suite.t, suite.ws.workspaceId)).filter((s) => s.contactId === talk.contactId),
    ).toEqual([])
  })

  it('refuses a form without the CSRF token', async () => {
    const talk = await contactWrites('hi')
    const response = await (
      await as('owner')
    ).post(`/conversations/${talk.conversationId}/messages`, { text: 'x' }, { csrf: false })
    expect(response.status).toBe(403)
  })

  it('replaces the composer with the opt-out notice, and a forced send is refused by the same gate', async () => {
    const talk = await contactWrites('hello')
    await contactWrites('STOP', { from: talk.phone.slice(1) })
    const owner = await as('owner')
    const { html } = await page(owner, `/conversations/${talk.conversationId}`)
    expect(html).toContain('This contact opted out on')
    expect(html).toContain('Keyword (STOP, START…): “stop”')
    expect(html).not.toContain('id="reply-text"')
    const history = await (await owner.get(`/conversations/${talk.conversationId}/consent`)).text()
    expect(history).toMatch(/^<section id="consent-history"/)
    expect(history).toContain('All messages, subscribed → opted out')
    const forced = await owner.post(
      `/conversations/${talk.conversationId}/messages`,
      { text: 'one more offer' },
      { htmx: true },
    )
    expect(forced.status).toBe(422)
    expect(await forced.text()).toContain('Not sent: the contact has opted out')
    const ours = (await sendsOf(suite.t, suite.ws.workspaceId)).filter(
      (s) => s.contactId === talk.contactId,
    )
    expect(ours.map((s) => s.origin)).toEqual(['confirmation'])
  })

  it('hears of an opt-out by hand, so an open thread swaps its composer', async () => {
    const talk = await contactWrites('hello')
    const changedAt = async () => {
      const [row] = await withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
        tx.select().from(conversations).where(eq(conversations.id, talk.conversationId)),
      )
      return row?.changedAt.getTime() ?? 0
    }
    const before = await changedAt()
    const admin = await as('admin')
    const out = await admin.post(`/contacts/${talk.contactId}/opt-out`, { scope: 'messaging' })
    expect(out.status).toBe(200)
    expect(await changedAt()).toBeGreaterThan(before)
    const composer = await admin.get(`/conversations/${talk.conversationId}/composer`)
    expect(await composer.text()).toContain('This contact opted out on')
  })

  it('offers only approved templates outside the 24-hour window, and sends one with its parameters', async () => {
    const talk = await contactWrites('hello')
    await setLastInbound(
      suite.t,
      suite.ws.workspaceId,
      talk.contactId,
      new Date(Date.now() - 25 * 3_600_000),
    )
    const [template] = await withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
      tx
        .insert(messageTemplates)
        .values([
          {
            workspaceId: suite.ws.workspaceId,
            name: 'order_ready',
            language: 'en',
            category: 'UTILITY',
            status: 'APPROVED',
            components: [{ type: 'BODY', text: 'Hi {{1}}, your order is ready.' }],
            syncedAt: new Date(),
          },
          {
            workspaceId: suite.ws.workspaceId,
            name: 'draft_promo',
            language: 'en',
            category: 'MARKETING',
            status: 'PENDING',
            components: [{ type: 'BODY', text: 'Sale!' }],
            syncedAt: new Date(),
          },
        ])
        .returning(),
    )
    if (!template) throw new Error('no template')
    const owner = await as('owner')
    const { html } = await page(owner, `/conversations/${talk.conversationId}`)
    expect(html).toContain('allows only approved templates')
    expect(html).not.toContain('id="reply-text"')
    expect(html).toContain('order_ready')
    expect(html).not.toContain('draft_promo')
    const text = await owner.post(
      `/conversations/${talk.conversationId}/messages`,
      { text: 'hi' },
      { htmx: true },
    )
    expect(text.status).toBe(422)
    expect(await text.text()).toContain('more than 24 hours since the contact last wrote')
    const missing = await owner.post(
      `/conversations/${talk.conversationId}/messages`,
      { template: template.id },
      { htmx: true },
    )
    expect(missing.status).toBe(422)
    const sent = await owner.post(
      `/conversations/${talk.conversationId}/messages`,
      { template: template.id, body_1: 'Ana' },
      { htmx: true },
    )
    expect(sent.status).toBe(200)
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
    const toMeta = suite.meta.sends.filter((s) => s.body.to === talk.phone)
    expect(toMeta.map((s) => s.body.template)).toEqual([
      {
        name: 'order_ready',
        language: { code: 'en' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }],
      },
    ])
  })
})

describe('what the composer refuses', () => {
  it('refuses an overlong reply and a template that is not this workspace’s approved one', async () => {
    const talk = await contactWrites('hi')
    const other = await seedWorkspace(suite.t.deps, 'Foreign templates')
    const [foreign] = await withTenant(suite.t.deps.db, other.workspaceId, (tx) =>
      tx
        .insert(messageTemplates)
        .values({
          workspaceId: other.workspaceId,
          name: 'their_template',
          language: 'en',
          category: 'UTILITY',
          status: 'APPROVED',
          components: [{ type: 'BODY', text: 'Hello' }],
          syncedAt: new Date(),
        })
        .returning(),
    )
    const owner = await as('owner')
    const path = `/conversations/${talk.conversationId}/messages`
    const long = await owner.post(path, { text: 'x'.repeat(4097) }, { htmx: true })
    expect(long.status).toBe(422)
    expect(await long.text()).toContain('A message holds at most 4096 characters.')
    for (const template of ['not-a-template', foreign?.id ?? '']) {
      const refused = await owner.post(path, { template }, { htmx: true })
      expect(refused.status).toBe(422)
      expect(await refused.text()).toContain('Choose one of the approved templates.')
    }
    const ours = (await sendsOf(suite.t, suite.ws.workspaceId)).filter(
      (send) => send.contactId === talk.contactId,
    )
    expect(ours).toEqual([])
  })

  it('keeps a sales user out of another agent’s conversation: no thread, reply or reassignment', async () => {
    const theirs = await contactWrites('for the manager only')
    await assign(theirs.conversationId, suite.ws.users.manager.id)
    const sales = await as('sales')
    const base = `/conversations/${theirs.conversationId}`
    for (const fragment of ['/thread', '/composer', '/consent']) {
      expect((await sales.get(`${base}${fragment}`, { 'hx-request': 'true' })).status).toBe(403)
    }
    expect((await sales.post(`${base}/messages`, { text: 'sneaky' })).status).toBe(403)
    const grab = await sales.post(`${base}/assignment`, { assignee: suite.ws.users.sales.id })
    expect(grab.status).toBe(403)
    const [row] = await withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
      tx.select().from(conversations).where(eq(conversations.id, theirs.conversationId)),
    )
    expect(row?.assigneeId).toBe(suite.ws.users.manager.id)
    const sent = (await sendsOf(suite.t, suite.ws.workspaceId)).filter(
      (send) => send.contactId === theirs.contactId,
    )
    expect(sent).toEqual([])
  })
})
