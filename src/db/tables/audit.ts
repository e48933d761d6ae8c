import {
  bigint,
  bigserial,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

import { tenantPolicy } from './common.js'
import { workspaceRef } from './accounts.js'

/**
 * Who changed what, when and from where: one chain per workspace, each entry carrying the hash
 * of the one before, so an entry edited or deleted breaks every hash after it. The app role may
 * only read and append; entries older than a year are purged by the owner connection.
 */
export const auditEntries = pgTable(
  'audit_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorType: text('actor_type').notNull(),
    actorId: uuid('actor_id'),
    actorName: text('actor_name'),
    ip: text('ip'),
    action: text('action').notNull(),
    recordType: text('record_type'),
    recordId: text('record_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('audit_entries_seq_key').on(t.workspaceId, t.seq),
    index('audit_entries_at_idx').on(t.at),
    tenantPolicy(),
  ],
).enableRLS()
