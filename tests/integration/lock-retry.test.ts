import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { withSystem } from '../../src/db/tenant.js'
import { retryLockConflicts } from '../../src/db/lock-retry.js'
import { isLockConflict } from '../../src/db/sql-errors.js'
import { createTestApp } from '../helpers/app.js'

const t = createTestApp()
afterAll(() => t.close())

const lock = (key: number) => sql`select pg_advisory_xact_lock(hashtext('lock-retry-test'), ${key})`

it('runs a deadlock victim again at once, and both transactions commit', async () => {
  const keys = [Math.floor(Math.random() * 1e9), Math.floor(Math.random() * 1e9) + 1]
  const [a = 0, b = 0] = keys
  let attempts = 0
  const first = withSystem(t.deps.db, async (tx) => {
    await tx.execute(lock(a))
    await sleep(150)
    await tx.execute(lock(b))
    return 'first'
  })
  await sleep(50)
  // The reverse order, and the shorter deadlock timeout: this side is the victim.
  const second = retryLockConflicts(() =>
    withSystem(t.deps.db, async (tx) => {
      attempts += 1
      await tx.execute(sql`set local deadlock_timeout = '50ms'`)
      await tx.execute(lock(b))
      // The first run waits until the other side is waiting for b; a rerun goes straight on.
      if (attempts === 1) await sleep(250)
      await tx.execute(lock(a))
      return 'second'
    }),
  )
  expect(await Promise.all([first, second])).toEqual(['first', 'second'])
  expect(attempts).toBe(2)
})

it('gives up after three conflicts and passes anything else through untouched', async () => {
  let runs = 0
  const conflict = Object.assign(new Error('deadlock detected'), { code: '40P01' })
  await expect(
    retryLockConflicts(() => {
      runs += 1
      return Promise.reject(conflict)
    }),
  ).rejects.toSatisfy(isLockConflict)
  expect(runs).toBe(3)
  runs = 0
  await expect(
    retryLockConflicts(() => {
      runs += 1
      return Promise.reject(new Error('other'))
    }),
  ).rejects.toThrow('other')
  expect(runs).toBe(1)
})
