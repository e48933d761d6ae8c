import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { withTenant } from '../../src/db/tenant.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { setWorkspaceSettings } from '../helpers/sending.js'
import { conversations } from '../../src/db/schema.js'
import { useInboxSuite } from '../helpers/inbox-suite.js'

const { suite, as, contactWrites, auditActions } = useInboxSuite('Inbox assignment')

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
