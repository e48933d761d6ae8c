import type { FieldCipher } from '../crypto/field-cipher.js'
import { isUuid, type Tx } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { listReactionRows } from '../contacts/contacts-read.repo.js'
import { findConversation } from './inbox.repo.js'
import { mayOpen, type Viewer } from './inbox-rules.js'
import { ASSIGNED_ELSEWHERE } from './scope.js'
import {
  findThreadContact,
  listLatestMessages,
  listQuotedMessages,
  listUnsentSends,
  type ThreadMessageRow,
} from './thread.repo.js'
import {
  messageEntry,
  sendEntry,
  type Quote,
  type ThreadEntry,
  type ThreadLook,
} from './thread.view.js'

/** How many of the latest messages a thread shows. */
export const THREAD_LENGTH = 200
const UNSENT_SHOWN = 50

/** The conversation and its contact, if this viewer may open it; else not_found or forbidden. */
export async function openConversation(tx: Tx, id: string, viewer: Viewer) {
  const conversation = isUuid(id) ? await findConversation(tx, id) : undefined
  if (!conversation) throw new AppError('not_found')
  if (!mayOpen(viewer, conversation.assigneeId)) {
    throw new AppError('forbidden', ASSIGNED_ELSEWHERE)
  }
  const contact = await findThreadContact(tx, conversation.contactId)
  if (!contact) throw new AppError('not_found')
  return { conversation, contact }
}

function quotesOf(rows: Awaited<ReturnType<typeof listQuotedMessages>>, cipher: FieldCipher) {
  const quotes = new Map<string, Quote>()
  for (const row of rows) {
    const text = row.textEnc ? cipher.decrypt(row.textEnc) : `[${row.type}]`
    quotes.set(row.wamid, { who: row.direction === 'inbound' ? 'Contact' : 'You', text })
  }
  return quotes
}

async function reactionsOf(
  tx: Tx,
  cipher: FieldCipher,
  contactId: string,
  rows: ThreadMessageRow[],
) {
  const reactions = new Map<string, string[]>()
  const found = await listReactionRows(
    tx,
    contactId,
    rows.map((row) => row.wamid),
  )
  for (const reaction of found) {
    if (!reaction.emojiEnc) continue
    const emoji = cipher.decrypt(reaction.emojiEnc)
    reactions.set(reaction.targetWamid, [...(reactions.get(reaction.targetWamid) ?? []), emoji])
  }
  return reactions
}

/** The thread's entries, oldest first: the latest messages and the sends that have none. */
export async function loadThreadEntries(
  tx: Tx,
  look: ThreadLook,
  contactId: string,
): Promise<ThreadEntry[]> {
  const { cipher } = look
  const rows = (await listLatestMessages(tx, contactId, THREAD_LENGTH)).reverse()
  const quoted = rows.flatMap((row) => (row.contextWamid ? [row.contextWamid] : []))
  const context = {
    ...look,
    quotes: quotesOf(await listQuotedMessages(tx, [...new Set(quoted)]), cipher),
    reactions: await reactionsOf(tx, cipher, contactId, rows),
  }
  const oldestShown = rows[0]?.sentAt.getTime() ?? 0
  const unsent = (await listUnsentSends(tx, contactId, UNSENT_SHOWN))
    .filter((row) => rows.length < THREAD_LENGTH || row.createdAt.getTime() >= oldestShown)
    .map((row) => sendEntry(row, look))
  const entries = [...rows.map((row) => messageEntry(row, context)), ...unsent]
  return entries.sort((a, b) => a.at.localeCompare(b.at))
}
