import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { runMigrations } from '../../src/db/migrate.js'
import { startEmbeddedPostgres } from '../../src/db/embedded.js'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    databaseKind: 'postgres' | 'pglite'
  }
}

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres'

async function migrate(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  try {
    await runMigrations(pool)
  } finally {
    await pool.end()
  }
}

async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_SERVER
  const name = `parley_test_${Date.now()}_${randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}

async function freshEmbeddedDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-pglite-'))
  const embedded = await startEmbeddedPostgres(join(dir, 'pgdata'))
  return {
    url: embedded.connectionString,
    drop: async () => {
      await embedded.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Creates (and afterwards drops) the database one test project runs against, migrated once. */
export default async function setup(project: TestProject) {
  const kind = project.name.endsWith('pglite') ? 'pglite' : 'postgres'
  const database = kind === 'pglite' ? await freshEmbeddedDatabase() : await freshPostgresDatabase()
  await migrate(database.url)
  project.provide('databaseUrl', database.url)
  project.provide('databaseKind', kind)
  return database.drop
}
