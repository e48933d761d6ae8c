import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { randomUUID } from 'node:crypto'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { conversations, workspaces, type Role } from '../../src/db/schema.js'
import type { ConsoleSession } from '../helpers/console-session.js'
import { signedIn } from '../helpers/console-session.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { contactByPhone, dispatchFor, sendsOf, useSendingSuite } from '../helpers/sending.js'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'

const suite = useSendingSuite('Inbox views')
type Workspace = typeof suite.ws

function as(role: Role, workspace: Workspace) {
  return signedIn(suite.t.app, workspace.users[role])
}

async function page(session: ConsoleSession, path: string) {
  const response = await session.get(path)
  expect(response.status).toBe(200)
  return response.text()
}

/** A contact writes in; returns the conversation's id. */
async function contactWrites(workspace: Workspace, text: string) {
  const phone = randomPhone()
  await receive(suite.t, inboundMessage(workspace.phoneNumberId, { from: phone, text }))
  const contact = await contactByPhone(suite.t, workspace.workspaceId, phone)
  const [row] = await withTenant(suite.t.deps.db, workspace.workspaceId, (tx) =>
    tx.select().from(conversations).where(eq(conversations.contactId, contact.id)),
  )
  if (!row) throw new Error('no conversation')
  return row.id
}

function assign(workspace: Workspace, conversationId: string, userId: string | null) {
  return withTenant(suite.t.deps.db, workspace.workspaceId, (tx) =>
    tx
      .update(conversations)
      .set({ assigneeId: userId })
      .where(eq(conversations.id, conversationId)),
  )
}

function pause(workspace: Workspace, reason: string | null) {
  return withSystem(suite.t.deps.db, (tx) =>
    tx
      .update(workspaces)
      .set({ sendingPausedAt: reason ? new Date() : null, sendingPausedReason: reason })
      .where(eq(workspaces.id, workspace.workspaceId)),
  )
}

// A tab's link text: its name and count ("Unassigned<span class="count">3</span>").
const tab = (label: string, count: number) => `${label}<span class="count">${String(count)}</span>`

describe('the inbox tabs', () => {
  it('land sales on their own and the unassigned conversations, with counts they may see', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Tabs')
    const mine = await contactWrites(ws, 'for the sales user')
    const theirs = await contactWrites(ws, 'for the manager')
    const nobodys = [await contactWrites(ws, 'waiting 1'), await contactWrites(ws, 'waiting 2')]
    await assign(ws, mine, ws.users.sales.id)
    await assign(ws, theirs, ws.users.manager.id)
    const sales = await as('sales', ws)
    const landing = await page(sales, '/inbox')
    expect(landing).toContain(mine)
    for (const id of nobodys) expect(landing).toContain(id)
    expect(landing).not.toContain(theirs)
    expect(landing).toMatch(/aria-current="page">Mine \+ unassigned<span class="count">3<\/span>/)
    expect(landing).toContain(tab('Mine', 1))
    expect(landing).toContain(tab('Unassigned', 2))
    expect(landing).toContain(tab('Opted out', 0))
    const manager = await page(await as('manager', ws), '/inbox')
    expect(manager).toMatch(/aria-current="page">All<span class="count">4<\/span>/)
    expect(manager).toContain(tab('Mine', 1))
    expect(manager).toContain(tab('Unassigned', 2))
  })

  it("counts only the workspace's own conversations", async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Tabs alone')
    const other = await seedWorkspace(suite.t.deps, 'Tabs elsewhere')
    await contactWrites(other, 'not yours')
    await contactWrites(ws, 'yours')
    const owner = await page(await as('owner', ws), '/inbox')
    expect(owner).toMatch(/aria-current="page">All<span class="count">1<\/span>/)
  })
})

describe('an empty inbox view', () => {
  it('points at the unassigned conversations instead of saying nobody wrote', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Empty mine')
    const sales = await as('sales', ws)
    const nobody = await page(sales, '/inbox?view=mine')
    expect(nobody).toContain('No conversations here yet: they appear when someone writes')
    for (const text of ['one', 'two', 'three']) await contactWrites(ws, text)
    const mine = await page(sales, '/inbox?view=mine')
    expect(mine).toContain(
      'Nothing is assigned to you. 3 conversations waiting for someone to take them.',
    )
    expect(mine).toContain('<a href="/inbox?view=unassigned">Show unassigned</a>')
    expect(mine).not.toContain('they appear when someone writes')
  })
})

describe('paused sending, as agents see it', () => {
  it('shows every agent a banner in the inbox and the thread; only admins get the link', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Paused banner')
    const talk = await contactWrites(ws, 'hello?')
    await pause(ws, '190: Error validating access token')
    const sales = await as('sales', ws)
    for (const path of ['/inbox', `/conversations/${talk}`]) {
      const html = await page(sales, path)
      expect(html).toContain(
        '<strong>Sending is paused:</strong> WhatsApp rejected the access token.',
      )
      expect(html).toContain('An owner or admin can resume it under Settings.')
      expect(html).not.toContain('<a href="/settings">')
    }
    const admin = await page(await as('admin', ws), '/inbox')
    expect(admin).toContain('<a href="/settings">Resume it under Settings</a>')
    await pause(ws, null)
    expect(await page(sales, '/inbox')).not.toContain('Sending is paused')
  })

  it('says a reply queued while paused is waiting, not sending', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Paused reply')
    const talk = await contactWrites(ws, 'are you there?')
    await pause(ws, '368: Temporarily blocked for policies violations')
    const sales = await as('sales', ws)
    const form = { text: 'Yes, one moment', key: randomUUID() }
    const sent = await sales.post(`/conversations/${talk}/messages`, form, { htmx: true })
    expect(sent.status).toBe(200)
    await dispatchFor(suite.jobDeps, ws.workspaceId, { noWaiting: true })
    expect((await sendsOf(suite.t, ws.workspaceId)).map((s) => s.state)).toEqual(['queued'])
    const thread = await page(sales, `/conversations/${talk}/thread`)
    expect(thread).toContain('Waiting: sending is paused')
    expect(thread).not.toContain('Sending…')
    const whole = await page(sales, `/conversations/${talk}`)
    expect(whole).toContain('WhatsApp restricted the business account for a policy violation')
    await pause(ws, null)
    expect(await page(sales, `/conversations/${talk}/thread`)).toContain('Sending…')
  })
})
