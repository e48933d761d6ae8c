import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { runMigrations } from '../../src/db/migrate.js'
import { startEmbeddedPostgres } from '../../src/db/embedded.js'
import { createScratchDatabase, TEST_SERVER_URL } from './databases.js'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    databaseKind: 'postgres' | 'embedded'
  }
}

async function migrate(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  try {
    await runMigrations(pool)
  } finally {
    await pool.end()
  }
}

async function freshEmbeddedDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-embedded-'))
  const embedded = await startEmbeddedPostgres(dir)
  // A database of its own, not the server's `postgres`: each test file copies it as a template,
  // asking from `postgres`, and nobody may be connected to a template while it is copied.
  const database = await createScratchDatabase(embedded.connectionString, 'parley_test')
  return {
    url: database.url,
    drop: async () => {
      await embedded.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Creates (and afterwards drops) the database one test project runs against, migrated once. */
export default async function setup(project: TestProject) {
  const kind = project.name.endsWith('embedded') ? 'embedded' : 'postgres'
  const database =
    kind === 'embedded'
      ? await freshEmbeddedDatabase()
      : await createScratchDatabase(TEST_SERVER_URL, 'parley_test')
  await migrate(database.url)
  project.provide('databaseUrl', database.url)
  project.provide('databaseKind', kind)
  return database.drop
}
