import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

import { createdAt, tenantPolicy } from './common.js'
import { workspaceRef } from './accounts.js'

/** A template component as Meta lists it (HEADER, BODY, FOOTER, BUTTONS), kept as given. */
export type TemplateComponent = Record<string, unknown>

/** The workspace's message templates as last synced from Meta (one row per name and language). */
export const messageTemplates = pgTable(
  'message_templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    metaId: text('meta_id'),
    name: text('name').notNull(),
    language: text('language').notNull(),
    category: text('category').notNull(),
    status: text('status').notNull(),
    components: jsonb('components').$type<TemplateComponent[]>().notNull().default([]),
    syncedAt: timestamp('synced_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('message_templates_key').on(t.workspaceId, t.name, t.language),
    index('message_templates_status_idx').on(t.workspaceId, t.status),
    tenantPolicy(),
  ],
).enableRLS()
