import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { loginThrottle, sessions } from '../../src/db/schema.js'
import { startJobRunner, type JobRunner } from '../../src/jobs/runner.js'
import { JOBS } from '../../src/jobs/registry.js'
import { purgeFinishedJobs } from '../../src/jobs/purge.js'
import { waitFor } from '../helpers/wait-for.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>
let runner: JobRunner | undefined

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Jobs')
})
afterAll(async () => {
  await runner?.drain(5_000)
  await t.close()
})

const longAgo = new Date('2020-01-01T00:00:00Z')

describe('the job runner on PostgreSQL', () => {
  it('runs the recurring purge as soon as it starts and keeps live sessions', async () => {
    const [ended, live] = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
      tx
        .insert(sessions)
        .values([
          {
            workspaceId: ws.workspaceId,
            userId: ws.users.sales.id,
            expiresAt: longAgo,
            createdAt: longAgo,
          },
          {
            workspaceId: ws.workspaceId,
            userId: ws.users.sales.id,
            expiresAt: new Date(Date.now() + 3_600_000),
          },
        ])
        .returning({ id: sessions.id }),
    )
    runner = await startJobRunner({
      pool: t.database.pool,
      deps: { ...t.jobDeps, now: () => new Date() },
    })
    const gone = await waitFor(async () => {
      const rows = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
        tx
          .select()
          .from(sessions)
          .where(eq(sessions.id, ended?.id ?? '')),
      )
      return rows.length === 0
    })
    expect(gone).toBe(true)
    const kept = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
      tx
        .select()
        .from(sessions)
        .where(eq(sessions.id, live?.id ?? '')),
    )
    expect(kept).toHaveLength(1)
  })

  it('runs an enqueued job once', async () => {
    const key = `ip:test-${ws.tag}`
    await withSystem(t.deps.db, (tx) =>
      tx
        .insert(loginThrottle)
        .values({ key, failures: 3, windowStartedAt: longAgo, blockedUntil: longAgo }),
    )
    await runner?.enqueue('auth.purge-login-throttles', {})
    const gone = await waitFor(async () => {
      const rows = await withSystem(t.deps.db, (tx) =>
        tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)),
      )
      return rows.length === 0
    })
    expect(gone).toBe(true)
  })

  it('takes over a recurring job held by an instance that died, once its lock lapses', async () => {
    runner ??= await startJobRunner({ pool: t.database.pool, deps: t.jobDeps })
    const name = 'auth.purge-login-throttles'
    const held = await withSystem(t.deps.db, (tx) =>
      tx.execute<{ at: string }>(sql`update agenda_jobs set last_modified_by = 'parley-killed',
          locked_at = now() - interval '21 seconds', next_run_at = now() - interval '1 second'
        where name = ${name} and type = 'single' returning now()::text as at`),
    )
    const heldAt = held.rows[0]?.at ?? ''
    const ranAgain = await waitFor(async () => {
      const rows = await withSystem(t.deps.db, (tx) =>
        tx.execute<{ ran: boolean }>(sql`select last_finished_at > ${heldAt}::timestamptz as ran
          from agenda_jobs where name = ${name} and type = 'single'`),
      )
      return rows.rows[0]?.ran === true
    }, 20_000)
    expect(ranAgain).toBe(true)
  })

  it('keeps a single schedule per recurring job when a second runner starts', async () => {
    const second = await startJobRunner({
      pool: t.database.pool,
      deps: { ...t.jobDeps, now: () => new Date() },
    })
    await second.drain(5_000)
    const rows = await withSystem(t.deps.db, (tx) =>
      tx.execute<{ name: string; n: number }>(
        sql`select name, count(*)::int as n from agenda_jobs where type = 'single' group by name`,
      ),
    )
    const recurring = Object.entries(JOBS).filter(([, job]) => job.everyMs !== undefined)
    expect(rows.rows).toHaveLength(recurring.length)
    expect(rows.rows.every((row) => row.n === 1)).toBe(true)
  })

  it('purges finished one-off jobs after a day and keeps recurring and recent ones', async () => {
    const name = `test.purge-${ws.tag}`
    const insert = (type: string, finishedHoursAgo: number, next: Date | null) =>
      withSystem(t.deps.db, (tx) =>
        tx.execute(sql`insert into agenda_jobs (name, type, next_run_at, last_finished_at)
          values (${name}, ${type}, ${next}, now() - make_interval(hours => ${finishedHoursAgo}))`),
      )
    await insert('normal', 25, null)
    await insert('normal', 2, null)
    // Scheduled rows stay in the future: a due row with no definition would be picked up.
    const tomorrow = new Date(Date.now() + 86_400_000)
    await insert('normal', 25, tomorrow)
    await insert('single', 25, tomorrow)
    await purgeFinishedJobs(t.deps.db, new Date())
    const left = await withSystem(t.deps.db, (tx) =>
      tx.execute<{ type: string }>(sql`select type from agenda_jobs where name = ${name}`),
    )
    expect(left.rows.map((r) => r.type).sort()).toEqual(['normal', 'normal', 'single'])
    await withSystem(t.deps.db, (tx) =>
      tx.execute(sql`delete from agenda_jobs where name = ${name}`),
    )
  })
})
