import { sql } from 'drizzle-orm'
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

import { createdAt, tenantPolicy } from './common.js'
import { workspaceRef } from './accounts.js'
import { contacts, messages, type MessageFailure } from './messaging.js'

export const SEND_STATES = ['queued', 'sending', 'sent', 'failed', 'skipped', 'unknown'] as const
/**
 * queued: waiting (or retrying) · sending: leased; the call to Meta is under way once
 * `call_started_at` is set · sent: Meta accepted it · failed: Meta refused it for good ·
 * skipped: the gate refused it before the call · unknown: the call was cut off, so Meta may
 * have it; never retried automatically.
 */
export type SendState = (typeof SEND_STATES)[number]

export const SEND_ORIGINS = ['console', 'api', 'bot', 'broadcast', 'confirmation'] as const
/** Who asked for a send. */
export type SendOrigin = (typeof SEND_ORIGINS)[number]

export const SEND_CATEGORIES = ['service', 'marketing', 'utility', 'authentication'] as const
/** service: free-form, only inside the 24-hour window; the others are template categories. */
export type SendCategory = (typeof SEND_CATEGORIES)[number]

/** Every message Parley was asked to send, from the request to Meta's answer. */
export const sends = pgTable(
  'sends',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    // A keyed hash of the content: the same key with other content is refused, not answered
    // with the first send (null on sends queued before it was kept).
    requestDigest: text('request_digest'),
    origin: text('origin').$type<SendOrigin>().notNull(),
    category: text('category').$type<SendCategory>().notNull(),
    kind: text('kind').notNull(),
    // The content to send, encrypted; cleared once sent by a workspace that keeps no content.
    contentEnc: text('content_enc'),
    consentEventId: uuid('consent_event_id'),
    createdByUserId: uuid('created_by_user_id'),
    createdByApiKeyId: uuid('created_by_api_key_id'),
    state: text('state').$type<SendState>().notNull().default('queued'),
    skipReason: text('skip_reason'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    // Set, and committed, just before the call to Meta: a lease that runs out without it was
    // never called and goes back to the queue; with it, Meta may have the message (`unknown`).
    callStartedAt: timestamp('call_started_at', { withTimezone: true }),
    lastError: jsonb('last_error').$type<MessageFailure>(),
    wamid: text('wamid'),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    // When the last call to Meta ended, whatever its outcome: the pair limit counts from here.
    callEndedAt: timestamp('call_ended_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('sends_idempotency_key').on(t.workspaceId, t.idempotencyKey),
    index('sends_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.state} = 'queued'`),
    index('sends_contact_idx').on(t.contactId, t.callEndedAt),
    index('sends_sending_idx')
      .on(t.leaseUntil)
      .where(sql`${t.state} = 'sending'`),
    check(
      'sends_state_check',
      sql`state in ('queued', 'sending', 'sent', 'failed', 'skipped', 'unknown')`,
    ),
    tenantPolicy(),
  ],
).enableRLS()
