import { setTimeout as sleep } from 'node:timers/promises'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseUrl } from '../helpers/databases.js'
import pg from 'pg'
import { sql } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { waitFor } from '../helpers/wait-for.js'
import { withSystem } from '../../src/db/tenant.js'
import { isMigrated } from '../../src/db/migrate.js'
import { startJobRunner, type JobRunner } from '../../src/jobs/runner.js'

// Only this file's connections are terminated: the test database is shared by parallel files.
const appName = `parley-loss-${randomBytes(4).toString('hex')}`
let t: TestApp
let runner: JobRunner

beforeAll(async () => {
  const url = new URL(testDatabaseUrl())
  url.searchParams.set('application_name', appName)
  t = createTestApp({}, url.toString())
  runner = await startJobRunner({ pool: t.database.pool, deps: t.jobDeps })
})
afterAll(async () => {
  await runner.drain(5_000)
  await t.close()
})

async function terminateOurBackends(): Promise<number> {
  const admin = new pg.Client({ connectionString: testDatabaseUrl() })
  await admin.connect()
  try {
    const result = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      [appName],
    )
    return result.rowCount ?? 0
  } finally {
    await admin.end()
  }
}

async function listening(): Promise<boolean> {
  const rows = await withSystem(t.deps.db, (tx) =>
    tx.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity
      where application_name = ${appName} and query like 'LISTEN%'`),
  )
  return (rows.rows[0]?.n ?? 0) > 0
}

const answers = () => withSystem(t.deps.db, (tx) => tx.execute(sql`select 1`)).then(() => true)

describe('a dropped database connection', () => {
  it('ends no process: idle connections and the job channel reconnect by themselves', async () => {
    expect(await waitFor(listening)).toBe(true)
    expect(await terminateOurBackends()).toBeGreaterThan(0)
    expect(await waitFor(answers)).toBe(true)
    expect(await isMigrated(t.database.pool)).toBe(true)
    expect(await waitFor(listening, 20_000)).toBe(true)
  })

  it('fails only the queries in flight when connections drop mid-traffic, then serves again', async () => {
    let ok = 0
    let failed = 0
    const traffic = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 30; i++) {
        await withSystem(t.deps.db, (tx) => tx.execute(sql`select pg_sleep(0.01)`)).then(
          () => (ok += 1),
          () => (failed += 1),
        )
      }
    })
    await sleep(100)
    expect(await terminateOurBackends()).toBeGreaterThan(0)
    await Promise.all(traffic)
    expect(ok + failed).toBe(240)
    expect(failed).toBeLessThan(240)
    expect(await answers()).toBe(true)
    const ready = await t.app.request('/readyz')
    expect(ready.status).toBe(200)
    // Every connection went back to the pool, broken ones dropped: none is held for ever.
    expect(t.database.pool.totalCount - t.database.pool.idleCount).toBeLessThanOrEqual(1)
  })
})
