import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { markMessagesRead } from '../../src/outbound/mark-read.js'
import { openLiveStream } from '../helpers/live-stream.js'
import { graphError } from '../fakes/meta-graph.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { contactByPhone, dispatchFor, setWorkspaceSettings } from '../helpers/sending.js'
import { inboundMessage, randomPhone, randomWamid, receive } from '../helpers/inbound.js'
import { conversations, messages, workspaces } from '../../src/db/schema.js'
import { useInboxSuite } from '../helpers/inbox-suite.js'

const { suite, as, contactWrites, referredContactWrites, assign, page } =
  useInboxSuite('Inbox thread')

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
