import { and, asc, eq, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { users, type Role } from '../db/schema.js'

/** Inserts a user and returns its id. */
export async function insertUser(tx: Tx, row: typeof users.$inferInsert): Promise<string> {
  const [created] = await tx.insert(users).values(row).returning({ id: users.id })
  if (!created) throw new Error('user insert returned no row')
  return created.id
}

/** The workspace's users, active first, then by name. */
export async function listUsers(tx: Tx) {
  return tx
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      active: users.active,
      phoneEnc: users.phoneEnc,
      createdAt: users.createdAt,
      lastLoginAt: users.lastLoginAt,
    })
    .from(users)
    .orderBy(sql`${users.active} desc`, asc(users.name))
}

/** One user of the workspace. */
export async function findUser(tx: Tx, id: string) {
  const [row] = await tx.select().from(users).where(eq(users.id, id))
  return row
}

/** Changes a user's role. */
export async function updateUserRole(tx: Tx, id: string, role: Role) {
  await tx.update(users).set({ role }).where(eq(users.id, id))
}

/** Activates or deactivates a user. */
export async function updateUserActive(tx: Tx, id: string, active: boolean) {
  await tx.update(users).set({ active }).where(eq(users.id, id))
}

/** Active owners in the workspace, locked so two concurrent demotions cannot both pass. */
export async function lockActiveOwners(tx: Tx): Promise<string[]> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'owner'), eq(users.active, true)))
    .for('update')
  return rows.map((row) => row.id)
}

/** Replaces a user's password hash, and whether they must choose a new one at next login. */
export async function updatePassword(
  tx: Tx,
  id: string,
  change: { passwordHash: string; mustChangePassword: boolean },
) {
  await tx.update(users).set(change).where(eq(users.id, id))
}

/** Stamps a successful login. */
export async function touchLastLogin(tx: Tx, id: string, now: Date) {
  await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, id))
}
