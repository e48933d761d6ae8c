import { and, eq, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { conversations } from '../db/schema.js'

/**
 * Creates or updates the contact's conversation and marks it changed for the live feed: the
 * time moves up to `messageAt` (never back) and `unread` adds one. Returns its id, and whether
 * this call created it.
 */
export async function upsertConversation(
  tx: Tx,
  row: { workspaceId: string; contactId: string; messageAt: Date | null; unread: boolean },
) {
  const at = row.messageAt
  const unread = row.unread ? 1 : 0
  const rows = await tx.execute<{ id: string; created: boolean }>(sql`
    insert into conversations (workspace_id, contact_id, last_message_at, unread_count)
    values (${row.workspaceId}, ${row.contactId}, coalesce(${at}::timestamptz, now()), ${unread})
    on conflict (workspace_id, contact_id) do update set
      last_message_at = greatest(conversations.last_message_at, coalesce(${at}::timestamptz, conversations.last_message_at)),
      unread_count = conversations.unread_count + ${unread},
      changed_at = clock_timestamp()
    returning id, (xmax = 0) as created`)
  const [created] = rows.rows
  if (!created) throw new Error('conversation upsert returned no row')
  return created
}

/**
 * Gives the conversation to the active sales user who was given one least recently (round
 * robin that survives restarts and several instances: the order lives in the rows themselves).
 */
export async function assignRoundRobin(tx: Tx, workspaceId: string, conversationId: string) {
  // One assignment at a time per workspace, or two new conversations pick the same agent.
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtext('round-robin'), hashtext(${workspaceId}))`,
  )
  const rows = await tx.execute<{ id: string }>(sql`
    select u.id from users u
    where u.role = 'sales' and u.active
    order by (select max(c.assigned_at) from conversations c
              where c.workspace_id = u.workspace_id and c.assignee_id = u.id) asc nulls first,
             u.created_at, u.id
    limit 1`)
  const next = rows.rows[0]
  if (!next) return undefined
  await setAssignee(tx, conversationId, next.id)
  return next.id
}

/** Assigns the conversation to a user, or unassigns it (null). */
export async function setAssignee(tx: Tx, conversationId: string, userId: string | null) {
  await tx
    .update(conversations)
    .set({
      assigneeId: userId,
      assignedAt: userId === null ? null : sql`now()`,
      changedAt: sql`clock_timestamp()`,
    })
    .where(eq(conversations.id, conversationId))
}

/** Clears the unread count; true when there was something unread. */
export async function markConversationRead(tx: Tx, conversationId: string): Promise<boolean> {
  const rows = await tx
    .update(conversations)
    .set({ unreadCount: 0, changedAt: sql`clock_timestamp()` })
    .where(and(eq(conversations.id, conversationId), sql`${conversations.unreadCount} > 0`))
    .returning({ id: conversations.id })
  return rows.length > 0
}

/** The id of the contact's conversation, if the contact ever wrote or was written to. */
export async function findConversationIdOf(tx: Tx, contactId: string) {
  const [row] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.contactId, contactId))
  return row?.id
}

/**
 * Folds the conversation, notes and labels of contact `fromId` into `intoId` (a merge of two
 * records of one person): the later activity, both unread counts, the first assignee found.
 */
export async function mergeConversationInto(tx: Tx, fromId: string, intoId: string) {
  await tx.execute(sql`
    insert into conversations (workspace_id, contact_id, assignee_id, assigned_at, last_message_at, unread_count)
    select workspace_id, ${intoId}, assignee_id, assigned_at, last_message_at, unread_count
    from conversations where contact_id = ${fromId}
    on conflict (workspace_id, contact_id) do update set
      last_message_at = greatest(conversations.last_message_at, excluded.last_message_at),
      unread_count = conversations.unread_count + excluded.unread_count,
      assignee_id = coalesce(conversations.assignee_id, excluded.assignee_id),
      assigned_at = case when conversations.assignee_id is null then excluded.assigned_at
        else conversations.assigned_at end,
      changed_at = clock_timestamp()`)
  await tx.execute(
    sql`update contact_notes set contact_id = ${intoId} where contact_id = ${fromId}`,
  )
  await tx.execute(sql`
    insert into contact_labels (workspace_id, contact_id, label, created_at)
    select workspace_id, ${intoId}, label, created_at from contact_labels where contact_id = ${fromId}
    on conflict do nothing`)
}
