import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { afterCommit, withSystem, withTenant } from '../../src/db/tenant.js'
import { enqueueAfterCommit } from '../../src/jobs/after-commit.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'After commit')
})
afterAll(() => t.close())

describe('work after a transaction commits', () => {
  it('runs once the transaction has committed, before the caller gets its result', async () => {
    const order: string[] = []
    const result = await withTenant(t.deps.db, ws.workspaceId, (tx) => {
      afterCommit(tx, () => {
        order.push('task')
        return Promise.resolve()
      })
      order.push('work')
      return Promise.resolve('done')
    })
    order.push(result)
    expect(order).toEqual(['work', 'task', 'done'])
  })

  it('never runs when the transaction rolls back', async () => {
    const before = t.jobs.enqueued.length
    const failed = withSystem(t.deps.db, (tx) => {
      enqueueAfterCommit(tx, t.deps, { name: 'webhooks.process', payload: {} })
      return Promise.reject(new Error('rolled back'))
    })
    await expect(failed).rejects.toThrow('rolled back')
    expect(t.jobs.enqueued).toHaveLength(before)
  })

  it('keeps the committed work when the enqueue itself fails', async () => {
    const failing = { ...t.deps, jobs: { enqueue: () => Promise.reject(new Error('no queue')) } }
    const result = await withSystem(t.deps.db, (tx) => {
      enqueueAfterCommit(tx, failing, { name: 'webhooks.process', payload: {} })
      return Promise.resolve('committed')
    })
    expect(result).toBe('committed')
  })

  it('refuses a transaction not opened by withTenant or withSystem', async () => {
    const direct = t.deps.db.transaction((tx) => {
      afterCommit(tx, () => Promise.resolve())
      return Promise.resolve()
    })
    await expect(direct).rejects.toThrow('afterCommit needs a transaction')
  })
})
