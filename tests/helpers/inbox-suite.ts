import { eq } from 'drizzle-orm'
import { withTenant } from '../../src/db/tenant.js'
import { auditEntries, conversations, type Role } from '../../src/db/schema.js'
import { signedIn, type ConsoleSession } from './console-session.js'
import { fixtureFor } from './webhooks.js'
import { contactByPhone, useSendingSuite, type SendingSuite } from './sending.js'
import { inboundMessage, randomPhone, randomWamid, receive } from './inbound.js'

/** The sending suite with what the inbox tests do again and again, bound to it. */
export function useInboxSuite(label: string) {
  const suite = useSendingSuite(label)
  return { suite, ...inboxSteps(suite) }
}

function inboxSteps(suite: SendingSuite) {
  const conversationOf = async (workspaceId: string, phone: string) => {
    const contact = await contactByPhone(suite.t, workspaceId, phone)
    const [row] = await withTenant(suite.t.deps.db, workspaceId, (tx) =>
      tx.select().from(conversations).where(eq(conversations.contactId, contact.id)),
    )
    if (!row) throw new Error('no conversation')
    return { contact, row }
  }
  return {
    as: (role: Role, workspace = suite.ws) => signedIn(suite.t.app, workspace.users[role]),

    /** A contact writes in; returns its phone (E.164) and its conversation's id. */
    contactWrites: async (
      text: string,
      options: { from?: string; workspace?: typeof suite.ws; at?: Date } = {},
    ) => {
      const workspace = options.workspace ?? suite.ws
      const phone = options.from ?? randomPhone()
      const message = inboundMessage(workspace.phoneNumberId, { from: phone, text, at: options.at })
      await receive(suite.t, message)
      const { contact, row } = await conversationOf(workspace.workspaceId, phone)
      return {
        phone: `+${phone}`,
        contactId: contact.id,
        conversationId: row.id,
        conversation: row,
      }
    },

    /** A new person writes in from a click-to-WhatsApp ad (the referral fixture); returns the conversation. */
    referredContactWrites: async (edit: (body: string) => string) => {
      const phone = randomPhone()
      const body = fixtureFor('text-with-referral', suite.ws.phoneNumberId)
        .replaceAll('5491155550123', phone)
        .replaceAll('AR.31902847561029384756', `AR.${phone}`)
        .replace(/"id": "wamid\.[^"]+"/, `"id": "${randomWamid()}"`)
      await receive(suite.t, edit(body))
      return (await conversationOf(suite.ws.workspaceId, phone)).row.id
    },

    assign: (conversationId: string, userId: string | null) =>
      withTenant(suite.t.deps.db, suite.ws.workspaceId, (tx) =>
        tx
          .update(conversations)
          .set({ assigneeId: userId })
          .where(eq(conversations.id, conversationId)),
      ),

    page: async (session: ConsoleSession, path: string) => {
      const response = await session.get(path)
      return { status: response.status, html: await response.text() }
    },

    auditActions: (workspaceId = suite.ws.workspaceId) =>
      withTenant(suite.t.deps.db, workspaceId, (tx) =>
        tx.select().from(auditEntries).orderBy(auditEntries.seq),
      ),
  }
}
