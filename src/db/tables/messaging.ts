import { sql } from 'drizzle-orm'
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

import { createdAt, tenantPolicy } from './common.js'
import { workspaceRef } from './accounts.js'
import { consentChecks, consentColumns } from './consent-state.js'

/**
 * Every webhook POST Meta made, stored before the 200 and processed afterwards by jobs.
 * Not tenant data: one POST may carry several numbers, or one no workspace owns yet.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    bodySha256: text('body_sha256').notNull().unique(),
    bodyEnc: text('body_enc').notNull(),
    contentRedacted: boolean('content_redacted').notNull().default(false),
    workspaceIds: uuid('workspace_ids')
      .array()
      .notNull()
      .default(sql`'{}'`),
    unknownPhoneNumberIds: text('unknown_phone_number_ids')
      .array()
      .notNull()
      .default(sql`'{}'`),
    state: text('state').$type<WebhookEventState>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    index('webhook_events_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.state} = 'pending'`),
    index('webhook_events_received_idx').on(t.receivedAt),
    check('webhook_events_state_check', sql`state in ('pending', 'processed', 'failed')`),
  ],
)

/** pending: waiting or retrying · processed: done · failed: out of retries (the dead letter). */
export type WebhookEventState = 'pending' | 'processed' | 'failed'

/** A person who wrote to a workspace, known by business-scoped user id, phone, or both. */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    bsuid: text('bsuid'),
    parentBsuid: text('parent_bsuid'),
    phoneEnc: text('phone_enc'),
    phoneIndex: text('phone_index'),
    profileName: text('profile_name'),
    // The name an agent gave the contact; shown instead of the WhatsApp profile name when set.
    customName: text('custom_name'),
    username: text('username'),
    countryCode: text('country_code'),
    firstTouch: jsonb('first_touch').$type<Touch>(),
    firstTouchAt: timestamp('first_touch_at', { withTimezone: true }),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    ...consentColumns(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('contacts_bsuid_key').on(t.workspaceId, t.bsuid),
    uniqueIndex('contacts_phone_index_key').on(t.workspaceId, t.phoneIndex),
    // The contact list's order: most recent inbound first, never-written contacts last.
    index('contacts_workspace_activity_idx').on(
      t.workspaceId,
      t.lastInboundAt.desc().nullsLast(),
      t.id.desc(),
    ),
    // The inbox's "Opted out" tab counts from these few rows (with id: an index-only scan).
    index('contacts_opted_out_idx')
      .on(t.workspaceId, t.id)
      .where(sql`${t.consentState} = 'opted_out'`),
    consentChecks(),
    tenantPolicy(),
  ],
).enableRLS()

/** The attribution Parley keeps from a click-to-WhatsApp `referral` (never the message text). */
export interface Touch {
  sourceType?: string
  sourceId?: string
  sourceUrl?: string
  headline?: string
  body?: string
  mediaType?: string
  imageUrl?: string
  videoUrl?: string
  ctwaClid?: string
}

/** Every referral a contact arrived with; the first one is also copied to the contact. */
export const contactTouches = pgTable(
  'contact_touches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    wamid: text('wamid').notNull(),
    touch: jsonb('touch').$type<Touch>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('contact_touches_wamid_key').on(t.workspaceId, t.wamid),
    index('contact_touches_contact_idx').on(t.contactId),
    tenantPolicy(),
  ],
).enableRLS()

export const DIRECTIONS = ['inbound', 'outbound'] as const
/** Which way a message travelled. */
export type Direction = (typeof DIRECTIONS)[number]

/** Delivery states, in the order they can only move forward (see webhooks/status-rules.ts). */
export const DELIVERY_STATES = [
  'received',
  'accepted',
  'sent',
  'delivered',
  'read',
  'played',
  'failed',
] as const
/** A message's delivery state. */
export type DeliveryState = (typeof DELIVERY_STATES)[number]

/** Why Meta failed a message, from a status or message `errors[]` entry. */
export interface MessageFailure {
  code: number
  title?: string
  details?: string
}

/** Messages in both directions; body and content are encrypted, and absent in privacy mode. */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    direction: text('direction').$type<Direction>().notNull(),
    wamid: text('wamid').notNull(),
    type: text('type').notNull(),
    unsupportedType: text('unsupported_type'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    textEnc: text('text_enc'),
    contentEnc: text('content_enc'),
    contextWamid: text('context_wamid'),
    context: jsonb('context').$type<Record<string, unknown>>(),
    referral: jsonb('referral').$type<Touch>(),
    mediaId: text('media_id'),
    mediaMimeType: text('media_mime_type'),
    mediaState: text('media_state').$type<MediaState>(),
    mediaPath: text('media_path'),
    mediaBytes: integer('media_bytes'),
    status: text('status').$type<DeliveryState>().notNull(),
    statusAt: timestamp('status_at', { withTimezone: true }).notNull(),
    failure: jsonb('failure').$type<MessageFailure>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_wamid_key').on(t.workspaceId, t.wamid),
    index('messages_contact_time_idx').on(t.contactId, t.sentAt),
    // The media sweep looks for pending downloads across all workspaces every few minutes.
    index('messages_pending_media_idx')
      .on(t.createdAt)
      .where(sql`${t.mediaState} = 'pending'`),
    check('messages_direction_check', sql`direction in ('inbound', 'outbound')`),
    tenantPolicy(),
  ],
).enableRLS()

/** pending: to download · stored: on disk · failed: gave up · too_large: over Meta's limit for the type · withheld: privacy mode. */
export type MediaState = 'pending' | 'stored' | 'failed' | 'too_large' | 'withheld'

/** Every status Meta reported for an outbound message, once per (wamid, status). */
export const messageStatuses = pgTable(
  'message_statuses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    wamid: text('wamid').notNull(),
    status: text('status').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    failure: jsonb('failure').$type<MessageFailure>(),
    pricing: jsonb('pricing').$type<Record<string, unknown>>(),
    callbackData: text('callback_data'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('message_statuses_key').on(t.workspaceId, t.wamid, t.status), tenantPolicy()],
).enableRLS()

/** A contact's current reaction to a message (one per contact and message; null emoji = removed). */
export const messageReactions = pgTable(
  'message_reactions',
  {
    workspaceId: workspaceRef(),
    targetWamid: text('target_wamid').notNull(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    reactionWamid: text('reaction_wamid').notNull(),
    emojiEnc: text('emoji_enc'),
    reactedAt: timestamp('reacted_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.targetWamid, t.contactId] }), tenantPolicy()],
).enableRLS()

/** Marketing stop/resume requests from Meta's `user_preferences` webhook, kept for consent. */
export const preferenceUpdates = pgTable(
  'preference_updates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    category: text('category').notNull(),
    value: text('value').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('preference_updates_key').on(
      t.workspaceId,
      t.contactId,
      t.category,
      t.value,
      t.occurredAt,
    ),
    tenantPolicy(),
  ],
).enableRLS()

/** Account-level errors Meta reported in `value.errors[]` (rate limits, account problems). */
export const platformErrors = pgTable(
  'platform_errors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    webhookEventId: bigint('webhook_event_id', { mode: 'number' }).notNull(),
    position: text('position').notNull(),
    code: integer('code').notNull(),
    title: text('title'),
    details: text('details'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('platform_errors_key').on(t.workspaceId, t.webhookEventId, t.position),
    tenantPolicy(),
  ],
).enableRLS()
