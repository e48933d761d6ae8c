import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

import { tenantPolicy } from './common.js'
import { workspaceRef } from './accounts.js'

/**
 * A workspace's secrets for services other than WhatsApp (ad platforms, Google, an AI
 * provider): one encrypted JSON object per service, written and read only through
 * src/credentials/ and never returned by a route.
 */
export const serviceCredentials = pgTable(
  'service_credentials',
  {
    workspaceId: workspaceRef(),
    service: text('service').notNull(),
    secretEnc: text('secret_enc').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.service] }), tenantPolicy()],
).enableRLS()
