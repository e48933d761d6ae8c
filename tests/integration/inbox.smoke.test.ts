import { describe, expect, it } from 'vitest'
import { ConsoleSession } from '../helpers/console-session.js'
import { openLiveStream } from '../helpers/live-stream.js'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import { dispatchFor, useSendingSuite } from '../helpers/sending.js'
import { eq } from 'drizzle-orm'
import { withTenant } from '../../src/db/tenant.js'
import { conversations } from '../../src/db/schema.js'
import type { JobName } from '../../src/jobs/types.js'

// The agent console on both databases: list, thread, a reply, and the live stream.
const suite = useSendingSuite('Smoke inbox')

describe('the inbox on this database', () => {
  it('lists a new contact, opens the thread, sends the reply and streams the change', async () => {
    const phone = randomPhone()
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'Hi there' }),
    )
    const agent = new ConsoleSession(suite.t.app)
    expect((await agent.login(suite.ws.users.sales.email)).status).toBe(303)
    const list = await (await agent.get('/inbox?view=unassigned')).text()
    const id = /href="\/conversations\/([0-9a-f-]{36})"/.exec(list)?.[1]
    if (!id) throw new Error('the new conversation is not listed')
    expect(list).toContain('Hi there')
    const stream = await openLiveStream(agent)
    const reply = await agent.post(`/conversations/${id}/messages`, { text: 'Hello!' })
    expect(reply.status).toBe(303)
    expect(await stream.readUntil(`event: conversation-${id}`)).toBe(true)
    expect(stream.seen()).toContain('event: resync')
    await stream.close()
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
    expect(suite.meta.sendsTo(`+${phone}`).map((s) => s.body.text?.body)).toEqual(['Hello!'])
    const thread = await (await agent.get(`/conversations/${id}`)).text()
    expect(thread.indexOf('Hi there')).toBeLessThan(thread.indexOf('Hello!'))
  })

  it('opens an unread conversation with blue ticks on and queues the receipt after commit', async () => {
    const phone = randomPhone()
    await receive(suite.t, inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'Unread' }))
    const agent = new ConsoleSession(suite.t.app)
    await agent.login(suite.ws.users.owner.email)
    const list = await (await agent.get(`/inbox?view=all&q=${phone}`)).text()
    const id = /href="\/conversations\/([0-9a-f-]{36})"/.exec(list)?.[1]
    if (!id) throw new Error('the new conversation is not listed')
    // What another connection sees when the job is enqueued: the read must be committed by then.
    const unreadSeenAtEnqueue: number[] = []
    const jobs = suite.t.jobs
    const record = jobs.enqueue
    jobs.enqueue = async (name: JobName, payload: unknown) => {
      const rows = await withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
        tx
          .select({ unread: conversations.unreadCount })
          .from(conversations)
          .where(eq(conversations.id, id)),
      )
      unreadSeenAtEnqueue.push(...rows.map((row) => row.unread))
      return record(name, payload)
    }
    try {
      const [page, ready] = await Promise.all([
        agent.get(`/conversations/${id}`),
        suite.t.app.request('/readyz'),
      ])
      expect([page.status, ready.status]).toEqual([200, 200])
    } finally {
      jobs.enqueue = record
    }
    expect(jobs.payloadsOf('outbound.mark-read')).toContainEqual(
      expect.objectContaining({ workspaceId: suite.ws.workspaceId }),
    )
    expect(unreadSeenAtEnqueue).toEqual([0])
  })
})
