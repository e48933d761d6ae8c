import { randomBytes } from 'node:crypto'
import type { Tx } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import type { ChangeValue, InboundMessage } from '../whatsapp/cloud-api.js'
import { parseSettings } from '../workspaces/settings-schema.js'
import { applyChange } from '../webhooks/apply-change.js'
import { noteActivity } from '../conversations/activity.js'
import { insertMessage } from '../messages/messages.repo.js'
import { resolveContact } from '../contacts/resolve-contact.js'

type Line = readonly [minutesAgo: number, who: 'them' | 'us', text: string]

interface DemoContact {
  readonly name: string
  readonly phone: string
  readonly ad?: { headline: string; sourceId: string }
  readonly lines: readonly Line[]
}

// Invented people on the 555-01xx fiction range; the first one came from a click-to-WhatsApp ad.
const CONTACTS: readonly DemoContact[] = [
  {
    name: 'Maya Lindqvist',
    phone: '15555550101',
    ad: { headline: 'Free trial class this week', sourceId: '120230000000000101' },
    lines: [
      [42, 'them', 'Hi! I saw your ad, is the trial class really free?'],
      [40, 'us', 'Yes, the first class is on us. Thursday 7 pm or Saturday 10 am?'],
      [31, 'them', 'Saturday works. Do I need to bring anything?'],
    ],
  },
  {
    name: 'Tomás Herrera',
    phone: '15555550102',
    lines: [
      [60 * 5, 'them', 'Do you deliver to the north side?'],
      [60 * 5 - 3, 'us', 'We do, free above $40. Shall I send the menu?'],
      [60 * 4, 'them', 'Please, and the weekend opening hours too'],
    ],
  },
  {
    name: 'Aisha Bello',
    phone: '15555550103',
    ad: { headline: 'Spring sale: 20% off memberships', sourceId: '120230000000000102' },
    lines: [
      [60 * 30, 'them', 'Is the spring discount still on?'],
      [60 * 29, 'us', 'Until Sunday! Want me to hold a membership for you?'],
    ],
  },
  {
    name: 'Jonas Weber',
    phone: '15555550104',
    lines: [[60 * 72, 'them', 'Thanks, see you next week']],
  },
]

function inbound(contact: DemoContact, line: Line, now: Date, first: boolean): InboundMessage {
  const [minutesAgo, , text] = line
  return {
    from: contact.phone,
    id: `wamid.DEMO${randomBytes(12).toString('hex')}`,
    timestamp: String(Math.floor(now.getTime() / 1000) - minutesAgo * 60),
    type: 'text',
    text: { body: text },
    ...(first &&
      contact.ad && {
        referral: {
          source_type: 'ad',
          source_id: contact.ad.sourceId,
          source_url: 'https://fb.me/parley-demo',
          headline: contact.ad.headline,
          ctwa_clid: `demo-${randomBytes(8).toString('hex')}`,
        },
      }),
  }
}

/** Loads the demo conversations through the same code that processes Meta's webhooks. */
export async function loadDemoConversations(
  tx: Tx,
  scope: { workspaceId: string; cipher: FieldCipher; now: Date },
): Promise<number> {
  const change = {
    ...scope,
    storeContent: true,
    roundRobin: false,
    receivedAt: scope.now,
    eventId: 0,
    consent: parseSettings({}).consent,
  }
  for (const [index, contact] of CONTACTS.entries()) {
    const theirs = contact.lines.filter((line) => line[1] === 'them')
    const value: ChangeValue = {
      contacts: [{ wa_id: contact.phone, profile: { name: contact.name } }],
      messages: theirs.map((line, i) => inbound(contact, line, scope.now, i === 0)),
    }
    await applyChange(tx, { ...change, position: `demo.${index}` }, value)
    const contactId = await resolveContact(tx, scope, { phone: contact.phone })
    for (const [minutesAgo, who, text] of contact.lines) {
      if (who === 'us') await insertReply(tx, scope, { contactId, minutesAgo, text })
    }
  }
  return CONTACTS.length
}

async function insertReply(
  tx: Tx,
  scope: { workspaceId: string; cipher: FieldCipher; now: Date },
  reply: { contactId: string | undefined; minutesAgo: number; text: string },
) {
  const sentAt = new Date(scope.now.getTime() - reply.minutesAgo * 60_000)
  await insertMessage(tx, {
    workspaceId: scope.workspaceId,
    contactId: reply.contactId ?? null,
    direction: 'outbound',
    wamid: `wamid.DEMO${randomBytes(12).toString('hex')}`,
    type: 'text',
    sentAt,
    textEnc: scope.cipher.encrypt(reply.text),
    status: 'read',
    statusAt: new Date(sentAt.getTime() + 60_000),
  })
  if (reply.contactId) {
    const activity = { workspaceId: scope.workspaceId, contactId: reply.contactId }
    await noteActivity(tx, { ...activity, messageAt: sentAt })
  }
}
