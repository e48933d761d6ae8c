import { sql } from 'drizzle-orm'
import {
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

import { createdAt, tenantPolicy } from './common.js'
import { users, workspaceRef } from './accounts.js'
import { contacts } from './messaging.js'

/**
 * One conversation per contact: what the inbox lists and sorts. Kept apart from the contact row,
 * which the send gate locks, so inbox bookkeeping never waits for a call to Meta.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    assignedAt: timestamp('assigned_at', { withTimezone: true }),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull(),
    unreadCount: integer('unread_count').notNull().default(0),
    // Bumped by every change an open inbox or thread should show (the live feed polls it).
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('conversations_contact_key').on(t.workspaceId, t.contactId),
    index('conversations_activity_idx').on(t.workspaceId, t.lastMessageAt.desc(), t.id.desc()),
    index('conversations_assignee_idx').on(
      t.workspaceId,
      t.assigneeId,
      t.lastMessageAt.desc(),
      t.id.desc(),
    ),
    index('conversations_unassigned_idx')
      .on(t.workspaceId, t.lastMessageAt.desc(), t.id.desc())
      .where(sql`${t.assigneeId} is null`),
    index('conversations_changed_idx').on(t.workspaceId, t.changedAt),
    // Round-robin asks who was given a conversation least recently.
    index('conversations_assigned_at_idx').on(t.workspaceId, t.assigneeId, t.assignedAt),
    tenantPolicy(),
  ],
).enableRLS()

/** Internal notes on a contact: never sent, encrypted like message text. */
export const contactNotes = pgTable(
  'contact_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    authorName: text('author_name').notNull(),
    bodyEnc: text('body_enc').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('contact_notes_contact_idx').on(t.contactId, t.createdAt), tenantPolicy()],
).enableRLS()

/** Labels on a contact, one row per label (a label is its own name, folded to lower case). */
export const contactLabels = pgTable(
  'contact_labels',
  {
    workspaceId: workspaceRef(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.contactId, t.label] }),
    index('contact_labels_label_idx').on(t.workspaceId, t.label),
    tenantPolicy(),
  ],
).enableRLS()
