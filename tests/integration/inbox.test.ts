import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { markMessagesRead } from '../../src/outbound/mark-read.js'
import {
  auditEntries,
  conversations,
  messages,
  messageTemplates,
  workspaces,
} from '../../src/db/schema.js'
import type { ConsoleSession } from '../helpers/console-session.js'
import { signedIn } from '../helpers/console-session.js'
import { openLiveStream } from '../helpers/live-stream.js'
import { graphError } from '../fakes/meta-graph.js'
import { fixtureFor } from '../helpers/webhooks.js'
import { seedWorkspace } from '../helpers/workspace.js'
import {
  contactByPhone,
  dispatchFor,
  sendsOf,
  setLastInbound,
  setWorkspaceSettings,
  useSendingSuite,
} from '../helpers/sending.js'
import { inboundMessage, randomPhone, randomWamid, receive } from '../helpers/inbound.js'
import type { Role } from '../../src/db/schema.js'

const suite = useSendingSuite('Inbox')

function as(role: Role, workspace = suite.ws) {
  return signedIn(suite.t.app, workspace.users[role])
}

/** A contact writes in; returns its phone (E.164) and its conversation's id. */
async function contactWrites(
  text: string,
  options: { from?: string; workspace?: typeof suite.ws; at?: Date } = {},
) {
  const workspace = options.workspace ?? suite.ws
  const phone = options.from ?? randomPhone()
  await receive(
    suite.t,
    inboundMessage(workspace.phoneNumberId, { from: phone, text, at: options.at }),
  )
  const contact = await contactByPhone(suite.t, workspace.workspaceId, phone)
  const [row] = await withTenant(suite.t.deps.db, workspace.workspaceId, (tx) =>
    tx.select().from(conversations).where(eq(conversations.contactId, contact.id)),
  )
  if (!row) throw new Error('no conversation')
  return { phone: `+${phone}`, contactId: contact.id, conversationId: row.id, conversation: row }
}

/** A new person writes in from a click-to-WhatsApp ad (the referral fixture); returns the conversation. */
async function referredContactWrites(edit: (body: string) => string) {
  const phone = randomPhone()
  const body = fixtureFor('text-with-referral', suite.ws.phoneNumberId)
    .replaceAll('5491155550123', phone)
    .replaceAll('AR.31902847561029384756', `AR.${phone}`)
    .replace(/"id": "wamid\.[^"]+"/, `"id": "${randomWamid()}"`)
  await receive(suite.t, edit(body))
  const contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
  const [row] = await withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
    tx.select().from(conversations).where(eq(conversations.contactId, contact.id)),
  )
  if (!row) throw new Error('no conversation')
  return row.id
}

function assign(conversationId: string, userId: string | null) {
  return withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
    tx
      .update(conversations)
      .set({ assigneeId: userId })
      .where(eq(conversations.id, conversationId)),
  )
}

async function page(session: ConsoleSession, path: string) {
  const response = await session.get(path)
  return { status: response.status, html: await response.text() }
}

function auditActions(workspaceId = suite.ws.workspaceId) {
  return withTenant(suite.t.deps.db, workspaceId, (tx) =>
    tx.select().from(auditEntries).orderBy(auditEntries.seq),
  )
}

describe('the inbox list', () => {
  it('lists conversations newest first with the unread count, number and last words', async () => {
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000)
    const older = await contactWrites('first hello', { at: minutesAgo(3) })
    const newer = await contactWrites('need a quote for 3 rooms', { at: minutesAgo(2) })
    await contactWrites('and a second message', { from: newer.phone.slice(1), at: minutesAgo(1) })
    const { html } = await page(await as('manager'), '/inbox?view=all')
    const newerAt = html.indexOf(`/conversations/${newer.conversationId}`)
    const olderAt = html.indexOf(`/conversations/${older.conversationId}`)
    expect(newerAt).toBeGreaterThan(-1)
    expect(olderAt).toBeGreaterThan(newerAt)
    expect(html).toContain('2 unread')
    expect(html).toContain('and a second message')
    expect(html).toContain(newer.phone)
  })

  it('finds a conversation by whole number in any format, and by name', async () => {
    const wanted = await contactWrites('find me')
    const manager = await as('manager')
    const spaced = `${wanted.phone.slice(0, 3)} ${wanted.phone.slice(3, 8)} ${wanted.phone.slice(8)}`
    const byNumber = await page(manager, `/inbox?view=all&q=${encodeURIComponent(spaced)}`)
    expect(byNumber.html).toContain(`/conversations/${wanted.conversationId}`)
    expect(byNumber.html.match(/class="conversation-row/g)).toHaveLength(1)
    const name = `Contact ${wanted.phone.slice(-4)}`
    const byName = await page(manager, `/inbox?view=all&q=${encodeURIComponent(name)}`)
    expect(byName.html).toContain(`/conversations/${wanted.conversationId}`)
    const none = await page(manager, '/inbox?view=all&q=%2B19999999999')
    expect(none.html).toContain('No conversation matches this search.')
  })

  it('finds names by any part, short or long, and never another workspace’s contact', async () => {
    const phone = randomPhone()
    const ours = await contactWrites('hello', { from: phone })
    const other = await seedWorkspace(suite.t.deps, 'Other names')
    const theirs = await contactWrites('hello', { from: phone, workspace: other })
    const owner = await as('owner')
    const named = `Zephyrine ${phone.slice(-6)}`
    await owner.post(`/contacts/${ours.contactId}/name`, { name: named })
    const theirOwner = await signedIn(suite.t.app, other.users.owner)
    await theirOwner.post(`/contacts/${theirs.contactId}/name`, { name: named })
    for (const q of [named, named.slice(3, 12).toUpperCase(), phone.slice(-4)]) {
      const { html } = await page(owner, `/inbox?view=all&q=${encodeURIComponent(q)}`)
      expect(html).toContain(ours.conversationId)
      expect(html).not.toContain(theirs.conversationId)
    }
    const short = await page(owner, `/inbox?view=all&q=${encodeURIComponent('Ze')}`)
    expect(short.html).toContain(ours.conversationId)
    expect(short.html).not.toContain(theirs.conversationId)
    const none = await page(owner, `/inbox?view=all&q=${encodeURIComponent('Zephyrinex')}`)
    expect(none.html).toContain('No conversation matches this search.')
  })

  it('links a contact’s page to its conversation', async () => {
    const talk = await contactWrites('hello from the contacts list')
    const { html } = await page(await as('sales'), `/contacts/${talk.contactId}`)
    expect(html).toContain(
      `<a href="/conversations/${talk.conversationId}">Open the conversation</a>`,
    )
  })

  it('shows sales their own and the unassigned conversations only, whatever the view', async () => {
    const mine = await contactWrites('for the sales user')
    const theirs = await contactWrites('for the manager')
    const nobodys = await contactWrites('for nobody yet')
    await assign(mine.conversationId, suite.ws.users.sales.id)
    await assign(theirs.conversationId, suite.ws.users.manager.id)
    const sales = await as('sales')
    for (const view of ['all', 'mine', 'unassigned', 'opted_out', '']) {
      const { html } = await page(sales, `/inbox?view=${view}`)
      expect(html).not.toContain(theirs.conversationId)
    }
    const landing = await page(sales, '/inbox')
    expect(landing.html).toContain(mine.conversationId)
    expect(landing.html).toContain(nobodys.conversationId)
    const own = await page(sales, '/inbox?view=mine')
    expect(own.html).toContain(mine.conversationId)
    expect(own.html).not.toContain(nobodys.conversationId)
    const unassigned = await page(sales, '/inbox?view=unassigned')
    expect(unassigned.html).toContain(nobodys.conversationId)
    expect(unassigned.html).not.toContain(mine.conversationId)
    expect((await page(sales, `/conversations/${theirs.conversationId}`)).status).toBe(403)
    const manager = await page(await as('manager'), '/inbox?view=all')
    expect(manager.html).toContain(theirs.conversationId)
  })

  it('lists opted-out contacts under Opted out', async () => {
    const leaving = await contactWrites('hello')
    await contactWrites('STOP', { from: leaving.phone.slice(1) })
    const { html } = await page(await as('owner'), '/inbox?view=opted_out')
    expect(html).toContain(leaving.conversationId)
    expect(html).toContain('badge-opted-out')
  })

  it('never shows or opens another workspace’s conversation', async () => {
    const other = await seedWorkspace(suite.t.deps, 'Other inbox')
    const foreign = await contactWrites('elsewhere', { workspace: other })
    const owner = await as('owner')
    expect((await page(owner, '/inbox?view=all')).html).not.toContain(foreign.conversationId)
    expect((await page(owner, `/conversations/${foreign.conversationId}`)).status).toBe(404)
    expect((await page(owner, '/conversations/not-a-uuid')).status).toBe(404)
    const post = await owner.post(`/conversations/${foreign.conversationId}/messages`, {
      text: 'hi',
    })
    expect(post.status).toBe(404)
    expect(await sendsOf(suite.t, other.workspaceId)).toEqual([])
  })

  it('masks numbers for sales when the workspace asks, and never for managers', async () => {
    const masked = await contactWrites('mask me')
    await assign(masked.conversationId, suite.ws.users.sales.id)
    await setWorkspaceSettings(suite.t, suite.ws.workspaceId, {
      inbox: { maskPhonesForSales: true },
    })
    try {
      const sales = await as('sales')
      const list = await page(sales, '/inbox')
      const thread = await page(sales, `/conversations/${masked.conversationId}`)
      for (const html of [list.html, thread.html]) {
        expect(html).not.toContain(masked.phone)
        expect(html).toContain(`•••• ${masked.phone.slice(-5)}`)
      }
      const manager = await page(await as('manager'), `/conversations/${masked.conversationId}`)
      expect(manager.html).toContain(masked.phone)
    } finally {
      await setWorkspaceSettings(suite.t, suite.ws.workspaceId, { inbox: {} })
    }
  })
})

describe('unread conversations in the title, and announced', () => {
  it('counts unread conversations in the title and says the newest in a polite live region', async () => {
    const workspace = await seedWorkspace(suite.t.deps, 'Unread title')
    const manager = await as('manager', workspace)
    const quiet = await page(manager, '/inbox')
    expect(quiet.html).toContain('<title>Inbox · Parley</title>')
    expect(quiet.html).toMatch(
      /<p id="inbox-news" class="visually-hidden" aria-live="polite">\s*<\/p>/,
    )

    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000)
    const first = await contactWrites('hello there', { workspace, at: minutesAgo(3) })
    const from = first.phone.slice(1)
    await contactWrites('second hello', { workspace, from, at: minutesAgo(2) })
    const newest = await contactWrites('anyone?', { workspace, at: minutesAgo(1) })
    const full = await page(manager, '/inbox')
    expect(full.html).toContain('<title>(2) Inbox · Parley</title>')
    // The live refresh is a fragment: its title is the one htmx puts on the tab.
    const fragment = await (await manager.get('/inbox', { 'HX-Request': 'true' })).text()
    expect(fragment).toMatch(/^\s*<title>\(2\) Inbox · Parley<\/title>\s*<section id="inbox-list"/)
    expect(fragment).toContain(
      `2 conversations with unread messages. Newest: Contact ${newest.phone.slice(-4)}: anyone?`,
    )
  })

  it('announces messages added to an open thread, not every status change', async () => {
    const { conversationId } = await contactWrites('is it open?')
    const { html } = await page(await as('manager'), `/conversations/${conversationId}`)
    expect(html).toMatch(/<ol id="thread"[^>]* aria-live="polite" aria-relevant="additions"/)
  })
})

describe('a thread', () => {
  it('shows the messages in order with delivery states in words and clears the unread count', async () => {
    const talk = await contactWrites('is the blue sofa in stock?')
    const owner = await as('owner')
    await owner.post(`/conversations/${talk.conversationId}/messages`, { text: 'Yes, two left' })
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
    const { status, html } = await page(owner, `/conversations/${talk.conversationId}`)
    expect(status).toBe(200)
    expect(html.indexOf('is the blue sofa in stock?')).toBeLessThan(html.indexOf('Yes, two left'))
    expect(html).toContain('Accepted by WhatsApp')
    const [row] = await withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
      tx.select().from(conversations).where(eq(conversations.id, talk.conversationId)),
    )
    expect(row?.unreadCount).toBe(0)
    expect(suite.t.jobs.payloadsOf('outbound.mark-read')).toContainEqual({
      workspaceId: suite.ws.workspaceId,
      wamid: expect.stringMatching(/^wamid\./) as unknown,
    })
  })

  it('does not ask Meta for blue ticks when the workspace turned it off', async () => {
    const quiet = await seedWorkspace(suite.t.deps, 'Quiet')
    await setWorkspaceSettings(suite.t, quiet.workspaceId, { inbox: { markAsRead: false } })
    const talk = await contactWrites('no ticks please', { workspace: quiet })
    const before = suite.t.jobs.payloadsOf('outbound.mark-read').length
    const { status } = await page(await as('owner', quiet), `/conversations/${talk.conversationId}`)
    expect(status).toBe(200)
    expect(suite.t.jobs.payloadsOf('outbound.mark-read')).toHaveLength(before)
  })

  it('says why a message failed, and shows a send the gate refused', async () => {
    const talk = await contactWrites('hello')
    const owner = await as('owner')
    suite.meta.failSends(graphError(400, 131026, 'Message undeliverable'), {
      match: (body) => body.to === talk.phone,
    })
    await owner.post(`/conversations/${talk.conversationId}/messages`, { text: 'Are you there?' })
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
    const { html } = await page(owner, `/conversations/${talk.conversationId}`)
    expect(html).toContain('Are you there?')
    expect(html).toContain('Failed: Undeliverable: the number may not be on WhatsApp')
  })

  it('shows a reply under a quote of the message it answers', async () => {
    const phone = randomPhone()
    const first = randomWamid()
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, {
        from: phone,
        text: 'Price of the oak table?',
        wamid: first,
      }),
    )
    const reply = JSON.parse(
      inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'and delivery?' }),
    ) as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[]
    }
    const message = reply.entry[0]?.changes[0]?.value.messages[0]
    if (!message) throw new Error('no message')
    message.context = { from: phone, id: first }
    await receive(suite.t, JSON.stringify(reply))
    const contact = await contactByPhone(suite.t, suite.ws.workspaceId, phone)
    const [row] = await withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
      tx.select().from(conversations).where(eq(conversations.contactId, contact.id)),
    )
    const { html } = await page(await as('owner'), `/conversations/${row?.id ?? ''}`)
    expect(html).toMatch(
      /<blockquote class="quote"><span class="quote-who">Contact<\/span> Price of the oak table\?<\/blockquote>\s*<p class="text">and delivery\?<\/p>/,
    )
  })
})

describe('a thread’s media and ad', () => {
  it('shows pictures, voice notes and documents from local storage, or why not', async () => {
    const talk = await contactWrites('see attached')
    const at = new Date()
    const media = (type: string, mediaState: 'stored' | 'pending' | 'withheld') => ({
      workspaceId: suite.ws.workspaceId,
      contactId: talk.contactId,
      direction: 'inbound' as const,
      wamid: randomWamid(),
      type,
      sentAt: at,
      mediaId: `media-${type}-${mediaState}`,
      mediaMimeType: 'application/octet-stream',
      mediaState,
      status: 'received' as const,
      statusAt: at,
    })
    const rows = await withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
      tx
        .insert(messages)
        .values([
          media('image', 'stored'),
          media('audio', 'stored'),
          media('document', 'stored'),
          media('video', 'pending'),
          media('image', 'withheld'),
        ])
        .returning({ id: messages.id }),
    )
    const [image, audio, document] = rows.map((row) => row.id)
    const { html } = await page(await as('owner'), `/conversations/${talk.conversationId}`)
    expect(html).toContain(`<img src="/media/${image ?? ''}"`)
    expect(html).toContain(`<audio controls preload="none" src="/media/${audio ?? ''}">`)
    expect(html).toContain(`<a href="/media/${document ?? ''}">Open the document</a>`)
    expect(html).toContain('Downloading…')
    expect(html).toContain('Not kept: this workspace does not store message content')
  })

  it('shows the ad that brought the contact at the top, with its link', async () => {
    const conversationId = await referredContactWrites((body) => body)
    const { html } = await page(await as('sales'), `/conversations/${conversationId}`)
    expect(html).toMatch(
      /<p class="ad-referral">Came from the ad\s*<a href="https:\/\/fb\.me\/7kQp2Lm9"[^>]*>Escríbenos por WhatsApp<\/a>/,
    )
  })

  it('never turns an ad url that is not http(s) into a link', async () => {
    const conversationId = await referredContactWrites((body) =>
      body.replace('https://fb.me/7kQp2Lm9', 'javascript:alert(1)'),
    )
    const { html } = await page(await as('sales'), `/conversations/${conversationId}`)
    expect(html).toContain('Escríbenos por WhatsApp')
    expect(html).not.toContain('href="javascript:')
  })
})

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

describe('assignment', () => {
  it('assigns to self, to another user and back to nobody, each audited', async () => {
    const talk = await contactWrites('who helps me?')
    const sales = await as('sales')
    const path = `/conversations/${talk.conversationId}/assignment`
    expect(
      (await sales.post(path, { assignee: suite.ws.users.sales.id }, { htmx: true })).status,
    ).toBe(200)
    const manager = await as('manager')
    await manager.post(path, { assignee: suite.ws.users.admin.id }, { htmx: true })
    const last = await manager.post(path, { assignee: '' }, { htmx: true })
    expect(await last.text()).toContain('Nobody is assigned.')
    const entries = (await auditActions()).filter((e) => e.recordId === talk.conversationId)
    expect(entries.map((e) => [e.action, e.details])).toEqual([
      ['conversation.assign', { from: null, to: suite.ws.users.sales.id }],
      ['conversation.assign', { from: suite.ws.users.sales.id, to: suite.ws.users.admin.id }],
      ['conversation.assign', { from: suite.ws.users.admin.id, to: null }],
    ])
  })

  it('refuses an assignee that is not a user id', async () => {
    const talk = await contactWrites('hello')
    const path = `/conversations/${talk.conversationId}/assignment`
    const response = await (await as('owner')).post(path, { assignee: 'somebody' })
    expect(response.status).toBe(422)
  })

  it('refuses a user of another workspace', async () => {
    const talk = await contactWrites('hello')
    const other = await seedWorkspace(suite.t.deps, 'Foreign users')
    const response = await (
      await as('owner')
    ).post(`/conversations/${talk.conversationId}/assignment`, { assignee: other.users.sales.id })
    expect(response.status).toBe(422)
    const [row] = await withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
      tx.select().from(conversations).where(eq(conversations.id, talk.conversationId)),
    )
    expect(row?.assigneeId).toBeNull()
  })

  it('gives new conversations to the active sales users in turn when round robin is on', async () => {
    const team = await seedWorkspace(suite.t.deps, 'Round robin')
    const second = await withTenant(suite.t.deps.db, team.workspaceId, async (tx) => {
      const { createUser } = await import('../../src/users/create-user.js')
      return createUser(tx, suite.t.deps, {
        workspaceId: team.workspaceId,
        email: `second.${team.tag}@example.test`,
        name: 'Second seller',
        password: 'correct horse battery',
        role: 'sales',
      })
    })
    await setWorkspaceSettings(suite.t, team.workspaceId, { inbox: { roundRobin: true } })
    const assignees: (string | null)[] = []
    for (const text of ['one', 'two', 'three', 'four']) {
      const talk = await contactWrites(text, { workspace: team })
      assignees.push(talk.conversation.assigneeId)
    }
    expect(new Set(assignees)).toEqual(new Set([team.users.sales.id, second]))
    expect(assignees[0]).not.toBe(assignees[1])
    expect(assignees[2]).toBe(assignees[0])
    expect(assignees[3]).toBe(assignees[1])
  })
})

// Let the feed take its first look before a change, as an open page would.
const feedLooks = () => new Promise((resolve) => setTimeout(resolve, 1500))

describe('the live stream', () => {
  it('says resync on connect, then names the conversation a new message arrived in', async () => {
    const talk = await contactWrites('first')
    const stream = await openLiveStream(await as('owner'))
    expect(await stream.readUntil('event: resync')).toBe(true)
    await feedLooks()
    await contactWrites('second', { from: talk.phone.slice(1) })
    // Sent in this order: the list, the thread, the contact panel.
    expect(await stream.readUntil(`event: contact-${talk.contactId}`)).toBe(true)
    expect(stream.seen()).toContain('event: inbox')
    expect(stream.seen()).toContain(`event: conversation-${talk.conversationId}`)
    await stream.close()
  })

  it('tells a sales user nothing about a conversation assigned to someone else', async () => {
    const theirs = await contactWrites('for the manager')
    const mine = await contactWrites('for the agent')
    await assign(theirs.conversationId, suite.ws.users.manager.id)
    await assign(mine.conversationId, suite.ws.users.sales.id)
    const stream = await openLiveStream(await as('sales'))
    expect(await stream.readUntil('event: resync')).toBe(true)
    await feedLooks()
    await contactWrites('more for the manager', { from: theirs.phone.slice(1) })
    await contactWrites('more for the agent', { from: mine.phone.slice(1) })
    expect(await stream.readUntil(`event: contact-${mine.contactId}`)).toBe(true)
    expect(stream.seen()).not.toContain(theirs.conversationId)
    expect(stream.seen()).not.toContain(theirs.contactId)
    await stream.close()
  })
})

describe('mark as read toward Meta', () => {
  it('marks a message read, and does not call Meta for a workspace with no number', async () => {
    const wamid = randomWamid()
    const result = await markMessagesRead(suite.jobDeps, {
      workspaceId: suite.ws.workspaceId,
      wamid,
    })
    expect(result).toBe('read')
    expect(suite.meta.reads).toContainEqual({ phoneNumberId: suite.ws.phoneNumberId, wamid })
    const unconnected = await seedWorkspace(suite.t.deps, 'No number')
    await withSystem(suite.t.deps.db, (tx) =>
      tx
        .update(workspaces)
        .set({ phoneNumberId: null })
        .where(eq(workspaces.id, unconnected.workspaceId)),
    )
    const none = { workspaceId: unconnected.workspaceId, wamid: randomWamid() }
    expect(await markMessagesRead(suite.jobDeps, none)).toBe('not_connected')
    expect(suite.meta.reads.map((read) => read.wamid)).not.toContain(none.wamid)
  })
})
