import type { FieldCipher } from '../crypto/field-cipher.js'
import type { Tx } from '../db/tenant.js'
import {
  listMessageRows,
  listReactionRows,
  type MessageRow,
  type ReactionRow,
} from './contacts-read.repo.js'
import { decodeCursor, nextCursor, pageLimit } from './pagination.js'
import { loadContactRow, referralJson } from './show-contact.js'

/** Which contact's conversation, and which page of it, as received. */
export interface MessageQuery {
  contactId: string
  limit?: string | undefined
  cursor?: string | undefined
}

const MESSAGE_PAGE = { fallback: 100, max: 500 }

function mediaJson(row: MessageRow) {
  if (row.mediaId === null) return null
  return {
    id: row.mediaId,
    mimeType: row.mediaMimeType,
    state: row.mediaState,
    // Only a stored file can be served (messages/console.ts serves it by message id).
    url: row.mediaState === 'stored' ? `/api/v1/media/${row.id}` : null,
  }
}

function messageJson(row: MessageRow, cipher: FieldCipher, reactions: ReactionRow[]) {
  const { failure } = row
  return {
    id: row.id,
    wamid: row.wamid,
    direction: row.direction,
    type: row.type,
    unsupportedType: row.unsupportedType,
    // Null in privacy mode and for types without text.
    text: row.textEnc ? cipher.decrypt(row.textEnc) : null,
    sentAt: row.sentAt.toISOString(),
    status: row.status,
    statusAt: row.statusAt.toISOString(),
    failure: failure
      ? { code: failure.code, title: failure.title ?? null, details: failure.details ?? null }
      : null,
    replyTo: row.contextWamid,
    context: row.context,
    referral: row.referral ? referralJson(row.referral) : null,
    media: mediaJson(row),
    // A null emoji is a reaction the contact took back: it is not shown.
    reactions: reactions.flatMap((r) =>
      r.emojiEnc ? [{ emoji: cipher.decrypt(r.emojiEnc), at: r.reactedAt.toISOString() }] : [],
    ),
  }
}

function byTarget(reactions: ReactionRow[]) {
  const grouped = new Map<string, ReactionRow[]>()
  for (const reaction of reactions) {
    grouped.set(reaction.targetWamid, [...(grouped.get(reaction.targetWamid) ?? []), reaction])
  }
  return grouped
}

/** One page of a contact's conversation, oldest first, with the contact's reactions attached. */
export async function listMessages(tx: Tx, cipher: FieldCipher, query: MessageQuery) {
  const { contactId } = query
  await loadContactRow(tx, contactId)
  const page = await listMessageRows(tx, contactId, {
    after: decodeCursor(query.cursor),
    limit: pageLimit(query.limit, MESSAGE_PAGE),
  })
  const reactions = byTarget(
    await listReactionRows(
      tx,
      contactId,
      page.rows.map((row) => row.wamid),
    ),
  )
  return {
    data: page.rows.map((row) => messageJson(row, cipher, reactions.get(row.wamid) ?? [])),
    nextCursor: nextCursor(page),
  }
}
