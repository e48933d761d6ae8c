import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { createFreshDatabase } from '../helpers/fresh-database.js'
import { cliEnv, runCliHere } from '../helpers/cli.js'
import { createLogger } from '../../src/logger.js'
import { runMigrations } from '../../src/db/migrate.js'
import { DATA_COMMANDS } from '../../src/cli/main.js'
import { helpFor } from '../../src/cli/help.js'
import { workspaceCreate } from '../../src/cli/commands.js'
import { oneLineLog } from '../../src/cli/one-line-log.js'

let t: TestApp

beforeAll(() => {
  t = createTestApp()
})
afterAll(() => t.close())

describe('parley --help', () => {
  it.each(['serve', ...Object.keys(DATA_COMMANDS)])('explains %s', (name) => {
    const help = helpFor([name, '--help'])
    expect(help).toMatch(new RegExp(`^usage: parley ${name}`))
    expect(helpFor([name, '-h'])).toBe(help)
  })

  it('lists every command without arguments or with --help, and stays out of a real run', () => {
    const overview = helpFor(['--help']) ?? ''
    for (const name of Object.keys(DATA_COMMANDS)) expect(overview).toContain(`parley ${name}`)
    expect(helpFor([])).toBe(overview)
    expect(helpFor(['workspace:create', '--name', 'Clinic'])).toBeUndefined()
  })
})

describe('parley workspace:create', () => {
  it('refuses a phone number id without an access token', async () => {
    const argv = ['--name', 'Half connected', '--phone-number-id', '123456789']
    await expect(workspaceCreate(t.jobDeps, argv)).rejects.toThrow(
      '--phone-number-id needs --access-token too',
    )
  })

  it('says what a phone number id is', async () => {
    const argv = ['--name', 'Typo', '--phone-number-id', '+1 555', '--access-token', 'EAAG']
    await expect(workspaceCreate(t.jobDeps, argv)).rejects.toThrow(/5 to 20 digits/)
  })
})

describe("a command's logs", () => {
  it('are one line each, without the stack', () => {
    const lines: string[] = []
    const log = createLogger(
      'warn',
      oneLineLog((text) => lines.push(text)),
    )
    const error = new Error('the body cannot be decrypted\n    at decrypt (field-cipher.ts:1:1)')
    log.warn({ err: error, eventId: 'e1' }, 'webhook event failed: will retry')
    log.info('not shown at warn')
    expect(lines).toEqual([
      'parley: warning: webhook event failed: will retry (the body cannot be decrypted)\n',
    ])
  })

  it('make a failing webhooks:replay print one line per failed event', async () => {
    const fresh = await createFreshDatabase()
    try {
      const env = cliEnv({ DATABASE_URL: fresh.url })
      const pool = new pg.Pool({ connectionString: fresh.url })
      try {
        await runMigrations(pool)
        await pool.query(
          `insert into webhook_events (body_sha256, body_enc, state, attempts, received_at)
           values ('unreadable', 'not a cipher text', 'failed', 5, now())`,
        )
      } finally {
        await pool.end()
      }
      const result = await runCliHere(['webhooks:replay', '--failed'], env)
      expect(result.code).toBe(0)
      expect(result.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(/^parley: warning: webhook event failed: will retry \(.+\)$/),
      ])
    } finally {
      await fresh.drop()
    }
  })
})
