import { sql } from 'drizzle-orm'
import { withConnection, type Db } from './client.js'
import { AppError } from '../errors.js'

/** A transaction handle; every repository function takes one as its first argument. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** True for a well-formed UUID; ids from URLs are checked before they reach SQL casts. */
export function isUuid(value: string): boolean {
  return UUID.test(value)
}

/**
 * Runs `work` in a transaction bound to one workspace. This is the only way feature code
 * reaches tenant data: row-level security then hides every other workspace's rows.
 */
export function withTenant<T>(
  db: Db,
  workspaceId: string,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  if (!isUuid(workspaceId)) return Promise.reject(new AppError('not_found'))
  return transact(db, async (tx) => {
    // Both settings are transaction-local: a pooled connection serves many requests in turn.
    await tx.execute(sql`select set_config('app.workspace_id', ${workspaceId}, true)`)
    // Table owners and superusers bypass RLS, so tenant work runs as the non-owner role.
    await tx.execute(sql`set local role parley_app`)
    return work(tx)
  })
}

/**
 * Runs `work` as the table owner, across workspaces. Only for directory look-ups that must
 * happen before a workspace is known (login, API keys, webhook routing), provisioning, and
 * maintenance jobs; never for serving a tenant's own data.
 */
export function withSystem<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return transact(db, work)
}

const commitTasks = new WeakMap<Tx, (() => Promise<void>)[]>()

/**
 * Runs `task` after `tx` commits, and never if it rolls back: work for another connection
 * (enqueueing a job) then never waits inside an open transaction. The transaction's caller
 * gets its result once the tasks have run.
 */
export function afterCommit(tx: Tx, task: () => Promise<void>): void {
  const tasks = commitTasks.get(tx)
  if (!tasks) throw new Error('afterCommit needs a transaction opened by withTenant or withSystem')
  tasks.push(task)
}

async function transact<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  const tasks: (() => Promise<void>)[] = []
  const result = await withConnection(db, (connection) =>
    connection.transaction((tx) => {
      commitTasks.set(tx, tasks)
      return work(tx)
    }),
  )
  for (const task of tasks) await task()
  return result
}
