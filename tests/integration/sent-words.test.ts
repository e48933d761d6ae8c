import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { withTenant } from '../../src/db/tenant.js'
import { conversations, messageTemplates } from '../../src/db/schema.js'
import { signedIn } from '../helpers/console-session.js'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import { seedWorkspace } from '../helpers/workspace.js'
import {
  contactByPhone,
  dispatchFor,
  setWorkspaceSettings,
  useSendingSuite,
} from '../helpers/sending.js'

const suite = useSendingSuite('Sent words')

type Workspace = Awaited<ReturnType<typeof seedWorkspace>>

async function conversationWith(workspace: Workspace) {
  const phone = randomPhone()
  await receive(suite.t, inboundMessage(workspace.phoneNumberId, { from: phone, text: 'Hi' }))
  const contact = await contactByPhone(suite.t, workspace.workspaceId, phone)
  const [row] = await withTenant(suite.t.deps.db, workspace.workspaceId, (tx) =>
    tx.select().from(conversations).where(eq(conversations.contactId, contact.id)),
  )
  if (!row) throw new Error('no conversation')
  return { contactId: contact.id, conversationId: row.id }
}

function addReminderTemplate(workspace: Workspace) {
  return withTenant(suite.t.deps.db, workspace.workspaceId, (tx) =>
    tx.insert(messageTemplates).values({
      workspaceId: workspace.workspaceId,
      name: 'visit_reminder',
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      components: [
        { type: 'BODY', text: 'Hi {{1}}, see you on {{2}}.' },
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
      ],
      syncedAt: new Date(),
    }),
  )
}

function send(workspace: Workspace, contactId: string, body: unknown) {
  return suite.t.app.request(`/api/v1/contacts/${contactId}/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${workspace.keys.sales}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  })
}

const reminder = {
  template: {
    name: 'visit_reminder',
    language: 'en_US',
    category: 'utility',
    components: [
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ana' },
          { type: 'text', text: 'Friday' },
        ],
      },
    ],
  },
}

const FILLED = 'Hi Ana, see you on Friday.'

async function threadAndInbox(workspace: Workspace, conversationId: string) {
  const owner = await signedIn(suite.t.app, workspace.users.owner)
  const thread = await (await owner.get(`/conversations/${conversationId}/thread`)).text()
  const inbox = await (await owner.get('/inbox?view=all')).text()
  return { thread, inbox }
}

describe('a sent template in the thread and the inbox', () => {
  it('shows the words the contact received, queued and once sent', async () => {
    await addReminderTemplate(suite.ws)
    const talk = await conversationWith(suite.ws)
    expect((await send(suite.ws, talk.contactId, reminder)).status).toBe(202)
    const queued = await threadAndInbox(suite.ws, talk.conversationId)
    expect(queued.thread).toContain(FILLED)
    expect(queued.thread).not.toContain('[template')
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
    const sent = await threadAndInbox(suite.ws, talk.conversationId)
    expect(sent.thread).toContain(FILLED)
    expect(sent.thread).toContain('Reply STOP to opt out')
    expect(sent.thread).not.toContain('[template')
    expect(sent.inbox).toContain(`You: ${FILLED}`)
  })
})

describe('a workspace that keeps no message content', () => {
  it('says the text was not stored instead of showing an empty bubble', async () => {
    const quiet = await seedWorkspace(suite.t.deps, 'Sent words quiet')
    await setWorkspaceSettings(suite.t, quiet.workspaceId, { storeMessageContent: false })
    await addReminderTemplate(quiet)
    const texted = await conversationWith(quiet)
    const reminded = await conversationWith(quiet)
    expect((await send(quiet, texted.contactId, { text: 'See you soon' })).status).toBe(202)
    expect((await send(quiet, reminded.contactId, reminder)).status).toBe(202)
    await dispatchFor(suite.jobDeps, quiet.workspaceId, { noWaiting: true })
    for (const talk of [texted, reminded]) {
      const { thread, inbox } = await threadAndInbox(quiet, talk.conversationId)
      expect(thread).not.toContain('See you soon')
      expect(thread).not.toContain(FILLED)
      // The contact's "Hi" was not kept either.
      expect(thread.match(/Text not stored \(privacy setting\)/g)).toHaveLength(2)
      // One row each; the live region that announces the newest row is not a row.
      const rows = inbox.replace(/<p id="inbox-news"[^]*?<\/p>/, '')
      expect(rows.match(/You: Text not stored \(privacy setting\)/g)).toHaveLength(2)
    }
  })
})

describe('the consent confirmation in the inbox', () => {
  it('is previewed as an automatic reply, not as "You: …"', async () => {
    const phone = randomPhone()
    await receive(suite.t, inboundMessage(suite.ws.phoneNumberId, { from: phone, text: 'STOP' }))
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
    const owner = await signedIn(suite.t.app, suite.ws.users.owner)
    const inbox = await (await owner.get('/inbox?view=all')).text()
    expect(inbox).toMatch(/Automatic reply: [^<]*unsubscribed/)
    expect(inbox).not.toMatch(/You: [^<]*unsubscribed/)
  })
})
