import { describe, expect, it } from 'vitest'
import { seedWorkspace } from '../helpers/workspace.js'
import { sendsOf, setWorkspaceSettings } from '../helpers/sending.js'
import { randomPhone } from '../helpers/inbound.js'
import { signedIn } from '../helpers/console-session.js'
import { useInboxSuite } from '../helpers/inbox-suite.js'

const { suite, as, contactWrites, assign, page } = useInboxSuite('Inbox list')

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
