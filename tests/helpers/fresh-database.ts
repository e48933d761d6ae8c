import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'

/**
 * A brand-new, unmigrated database on the same server as the project's test database, for
 * tests that need an empty Parley (first-run setup) or a real start-up. Drop it when done.
 */
export async function createFreshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = new URL(inject('databaseUrl'))
  const name = `parley_fresh_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl.toString() })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl.toString() })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}
