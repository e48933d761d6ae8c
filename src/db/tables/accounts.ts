import { sql } from 'drizzle-orm'
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

import { createdAt, roleCheck, tenantPolicy, type Role } from './common.js'

export const workspaces = pgTable(
  'workspaces',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    phoneNumberId: text('phone_number_id').unique(),
    wabaId: text('waba_id'),
    accessTokenEnc: text('access_token_enc'),
    settings: jsonb('settings').notNull().default({}),
    // Set when Meta answered that the token or the account cannot send (190, 368).
    sendingPausedAt: timestamp('sending_paused_at', { withTimezone: true }),
    sendingPausedReason: text('sending_paused_reason'),
    createdAt: createdAt(),
  },
  () => [tenantPolicy(sql`id`)],
).enableRLS()

/** The owning workspace column of a tenant table (rows go when the workspace goes). */
export const workspaceRef = () =>
  uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' })

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').$type<Role>().notNull(),
    phoneEnc: text('phone_enc'),
    phoneIndex: text('phone_index'),
    active: boolean('active').notNull().default(true),
    // Set when someone else chose the password (a reset, the CLI); the console then asks for a new one.
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    createdAt: createdAt(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_phone_index_key').on(t.workspaceId, t.phoneIndex),
    index('users_workspace_idx').on(t.workspaceId),
    roleCheck('users_role_check'),
    tenantPolicy(),
  ],
).enableRLS()

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    name: text('name').notNull(),
    role: text('role').$type<Role>().notNull(),
    keyHash: text('key_hash').notNull().unique(),
    keyPrefix: text('key_prefix').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    index('api_keys_workspace_idx').on(t.workspaceId),
    roleCheck('api_keys_role_check'),
    tenantPolicy(),
  ],
).enableRLS()

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    index('sessions_user_idx').on(t.userId),
    index('sessions_expires_idx').on(t.expiresAt),
    tenantPolicy(),
  ],
).enableRLS()

/** Login throttling counters, keyed by a hash of the account or the client address (not tenant data). */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
})
