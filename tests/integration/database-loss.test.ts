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
import { seedWorkspace } from '../helpers/workspace.js'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import { contactByPhone } from '../helpers/sending.js'

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

async function waitingOnTheLock(): Promise<boolean> {
  const rows = await withSystem(t.deps.db, (tx) =>
    tx.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity
      where application_name = ${appName} and wait_event_type = 'Lock'`),
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
  it('answers a request whose query was cut off 503 not_ready, not 500', async () => {
    const ws = await seedWorkspace(t.deps, 'Cut off')
    const phone = randomPhone()
    await receive(t, inboundMessage(ws.phoneNumberId, { from: phone, text: 'Hi' }))
    const contact = await contactByPhone(t, ws.workspaceId, phone)
    // Another session holds the contact, so the send's query is in flight when the server ends it.
    const holder = new pg.Client({ connectionString: testDatabaseUrl() })
    await holder.connect()
    try {
      await holder.query('begin')
      await holder.query('select 1 from contacts where id = $1 for update', [contact.id])
      const answer = t.app.request(`/api/v1/contacts/${contact.id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ws.keys.sales}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Are you there?' }),
      })
      expect(await waitFor(waitingOnTheLock)).toBe(true)
      expect(await terminateOurBackends()).toBeGreaterThan(0)
      const response = await answer
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({ code: 'not_ready' })
    } finally {
      await holder.query('rollback')
      await holder.end()
    }
  })
})
