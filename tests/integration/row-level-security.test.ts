import { afterAll, describe, expect, it } from 'vitest'
import { is, sql } from 'drizzle-orm'
import { getTableConfig, PgTable, pgTable, uuid } from 'drizzle-orm/pg-core'
import * as schema from '../../src/db/schema.js'
import { withSystem, type Tx } from '../../src/db/tenant.js'
import { createTestApp } from '../helpers/app.js'

// Tables of src/db/schema.ts deliberately without row-level security: they hold no workspace's
// data, and are read as the owner (withSystem) only.
const GLOBAL_TABLES: Record<string, string> = {
  login_throttle: 'sign-in throttles are keyed by email and address, before any workspace is known',
  webhook_events:
    "raw webhook bodies arrive before their workspace is known (found from the body's phone number id)",
}

// Tables the migrations create outside the drizzle schema.
const OUTSIDE_SCHEMA: Record<string, string> = {
  agenda_jobs: "the job queue, agenda's own table: only the job runner reads it, as the owner",
  agenda_logs: "agenda's own job log, beside its queue",
}

interface CatalogueRow {
  table: string
  rowSecurity: boolean
  roles: string[] | null
  qual: string | null
  withCheck: string | null
}

/** Every table of the public schema with its row-level security switch and policies. */
async function catalogue(tx: Tx): Promise<CatalogueRow[]> {
  const result = await tx.execute(sql`
    select c.relname as "table", c.relrowsecurity as "rowSecurity",
           p.roles::text[] as roles, p.qual, p.with_check as "withCheck"
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_policies p on p.schemaname = n.nspname and p.tablename = c.relname
     where n.nspname = 'public' and c.relkind in ('r', 'p')`)
  return result.rows as unknown as CatalogueRow[]
}

const WORKSPACE_SETTING = "current_setting('app.workspace_id'"

/** A policy for parley_app that limits reads and writes to the transaction's workspace. */
function isTenantPolicy(row: CatalogueRow, column: string): boolean {
  return (
    (row.roles ?? []).includes('parley_app') &&
    [row.qual, row.withCheck].every(
      (clause) => clause?.includes(column) === true && clause.includes(WORKSPACE_SETTING),
    )
  )
}

/** What is wrong with the tables' protection; empty when every fence holds. */
function rowSecurityProblems(tables: PgTable[], rows: CatalogueRow[]): string[] {
  const problems: string[] = []
  const named = new Set(tables.map((table) => getTableConfig(table).name))
  for (const table of tables) {
    const { name, columns } = getTableConfig(table)
    const holdsWorkspaceData = columns.some((column) => column.name === 'workspace_id')
    if (name in GLOBAL_TABLES) {
      if (holdsWorkspaceData) problems.push(`${name}: has workspace_id but is listed as global`)
      continue
    }
    const own = rows.filter((row) => row.table === name)
    if (own.length === 0) problems.push(`${name}: not in the migrated database`)
    else if (!own.some((row) => row.rowSecurity)) problems.push(`${name}: row-level security off`)
    // `workspaces` is keyed by its own id.
    const column = holdsWorkspaceData ? 'workspace_id' : 'id'
    if (!own.some((row) => isTenantPolicy(row, column))) {
      problems.push(`${name}: no tenant policy for parley_app on ${column}`)
    }
  }
  for (const { table } of rows) {
    if (!named.has(table) && !(table in OUTSIDE_SCHEMA)) {
      problems.push(`${table}: in the database but not in src/db/schema.ts`)
    }
  }
  const listed = [...Object.keys(GLOBAL_TABLES), ...Object.keys(OUTSIDE_SCHEMA)]
  for (const name of listed) {
    if (!rows.some((row) => row.table === name)) problems.push(`${name}: listed but gone`)
  }
  return [...new Set(problems)]
}

const schemaTables = (Object.values(schema) as unknown[]).filter((value): value is PgTable =>
  is(value, PgTable),
)

const t = createTestApp()
afterAll(() => t.close())

class Rollback extends Error {}

/** Runs `work` on the test database as the owner and undoes everything it did. */
async function rolledBack<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  let result: T | undefined
  await withSystem(t.deps.db, async (tx) => {
    result = await work(tx)
    throw new Rollback()
  }).catch((error: unknown) => {
    if (!(error instanceof Rollback)) throw error
  })
  return result as T
}

describe('row-level security on every table holding workspace data', () => {
  it('holds for every table of the schema in the migrated database', async () => {
    expect(schemaTables.length).toBeGreaterThan(15)
    const rows = await withSystem(t.deps.db, catalogue)
    expect(rowSecurityProblems(schemaTables, rows)).toEqual([])
  })

  it('finds a new workspace table without row-level security, then without a tenant policy', async () => {
    const probe = pgTable('rls_probe', { id: uuid('id'), workspaceId: uuid('workspace_id') })
    const found = await rolledBack(async (tx) => {
      await tx.execute(sql`create table rls_probe (id uuid, workspace_id uuid)`)
      const bare = rowSecurityProblems([...schemaTables, probe], await catalogue(tx))
      await tx.execute(sql`alter table rls_probe enable row level security`)
      await tx.execute(sql`create policy open_to_all on rls_probe to parley_app using (true)`)
      const open = rowSecurityProblems([...schemaTables, probe], await catalogue(tx))
      await tx.execute(sql`drop policy open_to_all on rls_probe`)
      await tx.execute(sql`create policy tenant_isolation on rls_probe to parley_app
        using (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)
        with check (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid)`)
      const fenced = rowSecurityProblems([...schemaTables, probe], await catalogue(tx))
      return { bare, open, fenced }
    })
    expect(found.bare).toEqual([
      'rls_probe: row-level security off',
      'rls_probe: no tenant policy for parley_app on workspace_id',
    ])
    expect(found.open).toEqual(['rls_probe: no tenant policy for parley_app on workspace_id'])
    expect(found.fenced).toEqual([])
  })

  it('finds a table that migrations create outside the schema', async () => {
    const found = await rolledBack(async (tx) => {
      await tx.execute(sql`create table rls_stray (workspace_id uuid)`)
      return rowSecurityProblems(schemaTables, await catalogue(tx))
    })
    expect(found).toEqual(['rls_stray: in the database but not in src/db/schema.ts'])
  })

  it('refuses a table with workspace_id on the global list', () => {
    const listedAsGlobal = pgTable('login_throttle', { workspaceId: uuid('workspace_id') })
    const others = schemaTables.filter((table) => getTableConfig(table).name !== 'login_throttle')
    expect(
      rowSecurityProblems(
        [...others, listedAsGlobal],
        [
          { table: 'login_throttle', rowSecurity: false, roles: null, qual: null, withCheck: null },
          { table: 'webhook_events', rowSecurity: false, roles: null, qual: null, withCheck: null },
          { table: 'agenda_jobs', rowSecurity: false, roles: null, qual: null, withCheck: null },
          { table: 'agenda_logs', rowSecurity: false, roles: null, qual: null, withCheck: null },
        ],
      ).filter((problem) => problem.startsWith('login_throttle')),
    ).toEqual(['login_throttle: has workspace_id but is listed as global'])
  })
})
