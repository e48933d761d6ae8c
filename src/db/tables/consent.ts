import { sql } from 'drizzle-orm'
import {
  boolean,
  check,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

import { createdAt, tenantPolicy } from './common.js'
import { workspaceRef } from './accounts.js'
import { contacts } from './messaging.js'

export const CONSENT_METHODS = ['keyword', 'button', 'platform', 'manual', 'api', 'system'] as const
/** How a consent change reached Parley. */
export type ConsentMethod = (typeof CONSENT_METHODS)[number]

export const CONSENT_SCOPES = ['messaging', 'marketing'] as const
/** messaging: all messages (subscribed/opted_out) · marketing: marketing templates (allowed/stopped). */
export type ConsentScope = (typeof CONSENT_SCOPES)[number]

/**
 * The consent log: every opt-out and opt-in, append-only and never purged. The app role may only
 * read, insert and re-point `contact_id` (contact merges). Keyed hashes of the phone and BSUID
 * keep the record, and the suppression, when the contact itself is erased.
 */
export const consentEvents = pgTable(
  'consent_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    phoneHash: text('phone_hash'),
    bsuidHash: text('bsuid_hash'),
    scope: text('scope').$type<ConsentScope>().notNull(),
    method: text('method').$type<ConsentMethod>().notNull(),
    keyword: text('keyword'),
    language: text('language'),
    wamid: text('wamid'),
    actorUserId: uuid('actor_user_id'),
    actorApiKeyId: uuid('actor_api_key_id'),
    reason: text('reason'),
    previousState: text('previous_state').notNull(),
    newState: text('new_state').notNull(),
    // An event older than the one that set the current state is logged but changes nothing.
    superseded: boolean('superseded').notNull().default(false),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // One entry per message and scope, so reprocessing a webhook logs nothing twice.
    uniqueIndex('consent_events_wamid_key')
      .on(t.workspaceId, t.wamid, t.scope)
      .where(sql`${t.wamid} is not null`),
    index('consent_events_time_idx').on(t.workspaceId, t.occurredAt.desc(), t.id.desc()),
    index('consent_events_contact_idx').on(t.contactId),
    index('consent_events_phone_idx').on(t.workspaceId, t.phoneHash),
    index('consent_events_bsuid_idx').on(t.workspaceId, t.bsuidHash),
    check(
      'consent_events_method_check',
      sql`method in ('keyword', 'button', 'platform', 'manual', 'api', 'system')`,
    ),
    check('consent_events_scope_check', sql`scope in ('messaging', 'marketing')`),
    tenantPolicy(),
  ],
).enableRLS()

/**
 * A STOP seen at ingest and not yet processed: written in the transaction that stores the
 * webhook, before Meta gets its 200, and read by the send gate right before each call to Meta,
 * so an opt-out holds from the acknowledgement on. Processing the message records the real
 * opt-out and deletes the hold. Keyed like the log: the phone's blind index, or the BSUID's hash.
 */
export const consentHolds = pgTable(
  'consent_holds',
  {
    workspaceId: workspaceRef(),
    identityHash: text('identity_hash').notNull(),
    wamid: text('wamid').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.identityHash, t.wamid] }), tenantPolicy()],
).enableRLS()
