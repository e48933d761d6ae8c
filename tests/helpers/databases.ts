import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The PostgreSQL server tests use unless TEST_DATABASE_URL names another. */
export const TEST_SERVER_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

async function adminQuery(serverUrl: string, sql: string) {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/**
 * A new database on the server at `serverUrl`, empty or a copy of `template`; `drop()` removes
 * it, connections and all.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string, template?: string) {
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString('hex')}`
  const copy = template === undefined ? '' : ` template ${template}`
  await adminQuery(serverUrl, `create database ${name}${copy}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`),
  }
}

let fileDatabase: string | undefined

/**
 * The database of the running test file: a copy of the project's migrated database made for it
 * (tests/helpers/file-database.ts), so parallel files never see each other's rows or jobs.
 */
export function testDatabaseUrl(): string {
  if (fileDatabase === undefined)
    throw new Error('no database for this file: is file-database.ts a setup file?')
  return fileDatabase
}

/** Sets the database of the running test file. */
export function useTestDatabase(url: string) {
  fileDatabase = url
}
