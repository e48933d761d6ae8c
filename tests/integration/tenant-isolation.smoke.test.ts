import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { withTenant } from '../../src/db/tenant.js'
import { apiKeys, sessions, users, workspaces } from '../../src/db/schema.js'

let t: TestApp
let a: Awaited<ReturnType<typeof seedWorkspace>>
let b: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  a = await seedWorkspace(t.deps, 'Alpha')
  b = await seedWorkspace(t.deps, 'Beta')
})
afterAll(() => t.close())

describe('withTenant row-level security', () => {
  it('reads only its own workspace, users and API keys', async () => {
    const seen = await withTenant(t.deps.db, a.workspaceId, async (tx) => ({
      workspaces: await tx.select({ id: workspaces.id }).from(workspaces),
      users: await tx.select({ ws: users.workspaceId }).from(users),
      keys: await tx.select({ ws: apiKeys.workspaceId }).from(apiKeys),
    }))
    expect(seen.workspaces).toEqual([{ id: a.workspaceId }])
    expect(seen.users).toHaveLength(4)
    expect(seen.users.every((u) => u.ws === a.workspaceId)).toBe(true)
    expect(seen.keys.every((k) => k.ws === a.workspaceId)).toBe(true)
  })

  it("cannot read another workspace's user even by id", async () => {
    const rows = await withTenant(t.deps.db, a.workspaceId, (tx) =>
      tx.select().from(users).where(eq(users.id, b.users.owner.id)),
    )
    expect(rows).toEqual([])
  })

  it("cannot update another workspace's rows", async () => {
    const updated = await withTenant(t.deps.db, a.workspaceId, (tx) =>
      tx.update(users).set({ name: 'hijacked' }).where(eq(users.id, b.users.owner.id)).returning(),
    )
    expect(updated).toEqual([])
    const renamed = await withTenant(t.deps.db, a.workspaceId, (tx) =>
      tx
        .update(workspaces)
        .set({ name: 'hijacked' })
        .where(eq(workspaces.id, b.workspaceId))
        .returning(),
    )
    expect(renamed).toEqual([])
    const [owner] = await withTenant(t.deps.db, b.workspaceId, (tx) =>
      tx.select({ name: users.name }).from(users).where(eq(users.id, b.users.owner.id)),
    )
    expect(owner?.name).toBe('Beta owner')
  })

  it("cannot delete another workspace's rows", async () => {
    const deleted = await withTenant(t.deps.db, a.workspaceId, (tx) =>
      tx.delete(users).where(eq(users.id, b.users.sales.id)).returning(),
    )
    expect(deleted).toEqual([])
  })

  it('cannot insert a row into another workspace', async () => {
    const insert = withTenant(t.deps.db, a.workspaceId, (tx) =>
      tx.insert(sessions).values({
        workspaceId: b.workspaceId,
        userId: b.users.owner.id,
        expiresAt: new Date(Date.now() + 60_000),
      }),
    )
    const failure = await insert.then(
      () => 'inserted',
      (error: unknown) => String((error as { cause?: Error }).cause?.message),
    )
    expect(failure).toMatch(/row-level security/)
  })

  it('sees nothing when no workspace is set', async () => {
    const counts = await t.deps.db.transaction(async (tx) => {
      await tx.execute(sql`set local role parley_app`)
      const [u] = await tx.select({ n: sql<number>`count(*)::int` }).from(users)
      const [w] = await tx.select({ n: sql<number>`count(*)::int` }).from(workspaces)
      return { users: u?.n, workspaces: w?.n }
    })
    expect(counts).toEqual({ users: 0, workspaces: 0 })
  })

  it('refuses a malformed workspace id before touching the database', async () => {
    await expect(
      withTenant(t.deps.db, 'not-a-uuid', () => Promise.resolve(1)),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
  })
})
