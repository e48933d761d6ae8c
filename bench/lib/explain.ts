// Query plans for bench/inbox.ts, taken from the app's own query builders: a Drizzle handle that
// records each statement runs the real use case, and the recorded statement is then explained
// inside withTenant, so the plan includes the row-level security predicates the app gets.
import { sql, type SQL } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import type pg from 'pg'
import * as schema from '../../src/db/schema.js'
import type { Db } from '../../src/db/client.js'
import { withTenant, type Tx } from '../../src/db/tenant.js'

/** A statement as Drizzle sent it: text with $n placeholders, and their values. */
export interface RecordedStatement {
  readonly query: string
  readonly params: unknown[]
}

/** A Drizzle handle on the pool that records every statement it runs. */
export function recordingDb(pool: pg.Pool) {
  const statements: RecordedStatement[] = []
  const db: Db = drizzle(pool, {
    schema,
    logger: { logQuery: (query, params) => statements.push({ query, params }) },
  })
  return { db, statements }
}

/** The recording handle and what it recorded. */
export type RecordingDb = ReturnType<typeof recordingDb>

/** Runs `work` in a tenant transaction and returns the one statement that `matches` picks. */
export async function captureStatement(
  recording: RecordingDb,
  workspaceId: string,
  work: (tx: Tx) => Promise<unknown>,
  matches: (query: string) => boolean,
): Promise<RecordedStatement> {
  recording.statements.length = 0
  await withTenant(recording.db, workspaceId, work)
  const found = recording.statements.filter((s) => matches(s.query))
  const [only] = found
  // The app's query changed shape: fail loudly rather than explain something else.
  if (!only || found.length > 1) {
    throw new Error(`expected one matching statement, found ${found.length}`)
  }
  return only
}

function withParams(text: string, params: unknown[]): SQL {
  const statement = sql.empty()
  text.split(/\$(\d+)/).forEach((part, i) => {
    if (i % 2 === 0) statement.append(sql.raw(part))
    else statement.append(sql`${params[Number(part) - 1]}`)
  })
  return statement
}

/** EXPLAIN (ANALYZE, BUFFERS) of a recorded statement, run as the app runs it (RLS applies). */
export async function explain(db: Db, workspaceId: string, statement: RecordedStatement) {
  const text = `explain (analyze, buffers) ${statement.query}`
  const result = await withTenant(db, workspaceId, (tx) =>
    tx.execute<{ 'QUERY PLAN': string }>(withParams(text, statement.params)),
  )
  return result.rows.map((row) => row['QUERY PLAN']).join('\n')
}
