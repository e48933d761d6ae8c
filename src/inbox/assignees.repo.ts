import { and, eq } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { users } from '../db/schema.js'

/** The active users a conversation can be assigned to, by name. */
export function listAssignableUsers(tx: Tx) {
  return tx
    .select({ id: users.id, name: users.name, role: users.role })
    .from(users)
    .where(eq(users.active, true))
    .orderBy(users.name)
}

/** True when the user is active in the transaction's workspace (RLS hides other workspaces). */
export async function isActiveUser(tx: Tx, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.active, true)))
  return row !== undefined
}
