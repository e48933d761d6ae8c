import { sql } from 'drizzle-orm'
import { check, pgPolicy, pgRole, timestamp } from 'drizzle-orm/pg-core'

/**
 * The non-owner role every tenant transaction switches to, so row-level security applies.
 * Roles are cluster-wide: it is created by a guarded custom migration, never by drizzle-kit.
 */
export const appRole = pgRole('parley_app').existing()

const currentWorkspace = sql`nullif(current_setting('app.workspace_id', true), '')::uuid`

/** The policy every tenant table carries: rows of the transaction's workspace only. */
export function tenantPolicy(column = sql`workspace_id`) {
  const visible = sql`${column} = ${currentWorkspace}`
  return pgPolicy('tenant_isolation', {
    for: 'all',
    to: appRole,
    using: visible,
    withCheck: visible,
  })
}

/** The creation time column every table has. */
export const createdAt = () =>
  timestamp('created_at', { withTimezone: true }).notNull().defaultNow()

export const ROLES = ['owner', 'admin', 'manager', 'sales'] as const
export type Role = (typeof ROLES)[number]
/** The check that a role column holds one of ROLES. */
export const roleCheck = (name: string) =>
  check(name, sql.raw(`role in (${ROLES.map((r) => `'${r}'`).join(', ')})`))
