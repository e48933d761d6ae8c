import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type AddressInfo } from 'node:net'
import { createFreshDatabase } from '../helpers/fresh-database.js'
import {
  cliEnv,
  runCli,
  runCliHere,
  startServe,
  stopProcess,
  type ServeProcess,
} from '../helpers/cli.js'

let fresh: Awaited<ReturnType<typeof createFreshDatabase>>
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  fresh = await createFreshDatabase()
  env = cliEnv({ DATABASE_URL: fresh.url })
})
afterAll(() => fresh.drop())

// Commands run in this process (runCliHere, what `main` runs); the tests that start, stop or
// exit a real process spawn one (runCli, startServe).
async function json(args: string[], run = runCliHere) {
  const result = await run(args, env)
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  return JSON.parse(result.stdout) as Record<string, unknown>
}

async function failure(args: string[], environment = env, run = runCliHere) {
  const result = await run(args, environment)
  expect(result.code).toBe(1)
  expect(result.stdout).toBe('')
  return result.stderr.trim()
}

describe('the parley command', () => {
  let workspaceId = ''

  it('migrates and exits 0, as a process', async () => {
    expect(await json(['migrate'], runCli)).toEqual({ migrated: true })
  })

  it('exits 1 with one line, as a process, and never asks for a password without a terminal', async () => {
    const args = ['user:password', '--email', 'mo@acme.test']
    expect(await failure(args, env, runCli)).toBe(
      'parley: no --password given and stdin is not a terminal',
    )
  })

  it('creates a workspace, a user and an API key, printing JSON', async () => {
    const workspace = await json([
      'workspace:create',
      '--name',
      'Acme',
      '--phone-number-id',
      '106540352242922',
      '--access-token',
      'EAAG-secret',
    ])
    workspaceId = String(workspace.id)
    expect(workspaceId).toMatch(/^[0-9a-f-]{36}$/)
    const user = await json([
      'user:create',
      '--workspace',
      workspaceId,
      '--email',
      'mo@acme.test',
      '--password',
      'long password 1',
      '--role',
      'manager',
      '--phone',
      '+919876543210',
    ])
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/)
    const key = await json([
      'apikey:create',
      '--workspace',
      workspaceId,
      '--role',
      'admin',
      '--name',
      'crm sync',
    ])
    expect(key.key).toMatch(/^pk_/)
  })

  it('lists API keys without the key, and revokes one by id', async () => {
    const listed = await runCliHere(['apikey:list', '--workspace', workspaceId], env)
    expect(listed.code).toBe(0)
    const { keys } = JSON.parse(listed.stdout) as { keys: Record<string, unknown>[] }
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({ name: 'crm sync', role: 'admin', lastUsedAt: null })
    expect(Object.keys(keys[0] ?? {}).sort()).toEqual([
      'createdAt',
      'id',
      'lastUsedAt',
      'name',
      'role',
    ])
    expect(listed.stdout).not.toMatch(/pk_/)
    const id = String(keys[0]?.id)
    const revoke = ['apikey:revoke', '--workspace', workspaceId, '--id', id]
    expect(await json(revoke)).toEqual({ id, name: 'crm sync', revoked: true })
    expect(await json(['apikey:list', '--workspace', workspaceId])).toEqual({ keys: [] })
    expect(await failure(revoke)).toBe(`parley: No API key with id ${id} in this workspace`)
    expect(await failure(['apikey:revoke', '--workspace', workspaceId])).toBe(
      'parley: missing --id',
    )
  })

  it.each([
    [['workspace:create'], 'parley: missing --name'],
    [
      [
        'user:create',
        '--workspace',
        'x',
        '--email',
        'a@b.co',
        '--password',
        'long password 1',
        '--role',
        'boss',
      ],
      'parley: unknown role "boss" (use owner, admin, manager, sales)',
    ],
    [
      ['apikey:create', '--workspace', '00000000-0000-0000-0000-000000000000', '--role', 'sales'],
      'parley: no workspace with id 00000000-0000-0000-0000-000000000000',
    ],
    [['workspace:create', '--name', 'x', '--colour', 'red'], "parley: Unknown option '--colour'"],
    [
      ['workspace:connect', '--workspace', '00000000-0000-0000-0000-000000000000'],
      'parley: missing --phone-number-id, --access-token',
    ],
    [
      ['frobnicate'],
      'parley: unknown command "frobnicate". usage: parley <serve|workspace:create|workspace:connect|user:create|user:password|apikey:create|apikey:list|apikey:revoke|webhooks:replay|audit:verify|demo|migrate> [flags]',
    ],
    [
      ['webhooks:replay', '--since', 'last tuesday'],
      'parley: --since must be an ISO date or time, not "last tuesday"',
    ],
    [['audit:verify', '--workspace', 'acme'], 'parley: --workspace must be a workspace id'],
    [
      ['webhooks:replay', '--failed', 'yes'],
      "parley: Unexpected argument 'yes'. This command does not take positional arguments",
    ],
  ])('refuses %j with one line', async (args, message) => {
    const line = await failure(args)
    expect(line).toBe(message)
  })

  it('refuses a duplicate email', async () => {
    const args = [
      'user:create',
      '--workspace',
      workspaceId,
      '--email',
      'MO@acme.test',
      '--password',
      'long password 2',
      '--role',
      'sales',
    ]
    expect(await failure(args)).toBe('parley: This email address cannot be used')
  })

  it('refuses a phone-number-id another workspace already uses', async () => {
    const args = [
      'workspace:create',
      '--name',
      'Copy',
      '--phone-number-id',
      '106540352242922',
      '--access-token',
      'EAAG-copy',
    ]
    expect(await failure(args)).toBe('parley: Another workspace already uses this phone-number-id')
  })

  it('creates a workspace on the time zone given, and refuses an unknown zone with one line', async () => {
    const created = await json([
      'workspace:create',
      '--name',
      'Mumbai',
      '--timezone',
      'Asia/Kolkata',
    ])
    const client = new pg.Client({ connectionString: fresh.url })
    await client.connect()
    try {
      const { rows } = await client.query<{ timezone: string }>(
        `select settings->>'timezone' as timezone from workspaces where id = $1`,
        [String(created.id)],
      )
      expect(rows[0]?.timezone).toBe('Asia/Kolkata')
    } finally {
      await client.end()
    }
    const refused = await failure([
      'workspace:create',
      '--name',
      'Nowhere',
      '--timezone',
      'Mars/Base',
    ])
    expect(refused).toBe('parley: timezone must be an IANA zone name such as Asia/Kolkata')
  })

  it('loads a demo workspace and prints one login per role', async () => {
    const demo = await json(['demo'])
    const logins = demo.logins as { role: string; email: string; password: string }[]
    expect(logins.map((l) => l.role)).toEqual(['owner', 'admin', 'manager', 'sales'])
    expect(demo.contacts).toBeGreaterThan(0)
  })

  it('replays failed webhook events received since a date, and reports what happened', async () => {
    await json(['migrate'])
    const client = new pg.Client({ connectionString: fresh.url })
    await client.connect()
    try {
      // Two dead letters whose bodies no key can read: the replay retries them and says so.
      for (const [sha, receivedAt] of [
        ['old', '2025-01-01T00:00:00Z'],
        ['new', '2026-06-01T00:00:00Z'],
      ]) {
        await client.query(
          `insert into webhook_events (body_sha256, body_enc, state, attempts, received_at)
           values ($1, 'unreadable', 'failed', 5, $2)`,
          [sha, receivedAt],
        )
      }
      const result = await runCliHere(['webhooks:replay', '--failed', '--since', '2026-01-01'], env)
      expect(result.code).toBe(0)
      expect(JSON.parse(result.stdout)).toEqual({
        requeued: 1,
        processed: 0,
        retrying: 1,
        failed: 0,
      })
      const states = await client.query<{ body_sha256: string; state: string }>(
        'select body_sha256, state from webhook_events order by body_sha256',
      )
      expect(states.rows).toEqual([
        { body_sha256: 'new', state: 'pending' },
        { body_sha256: 'old', state: 'failed' },
      ])
    } finally {
      await client.end()
    }
  })

  it('refuses to start with invalid settings, listing every problem', async () => {
    const message = await failure(['migrate'], { ...env, PORT: 'abc', LOG_LEVEL: 'loud' })
    expect(message).toContain('Invalid configuration')
    expect(message).toContain('PORT must be a whole number')
    expect(message).toContain('LOG_LEVEL must be one of')
  })

  it('serves the API with the key it printed, then stops cleanly on SIGTERM', async () => {
    const { key } = await json(['apikey:create', '--workspace', workspaceId, '--role', 'sales'])
    const { child, port } = await startServe(env)
    try {
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/workspace`, {
        headers: { authorization: `Bearer ${String(key)}` },
      })
      expect(await response.json()).toMatchObject({ id: workspaceId, name: 'Acme' })
    } finally {
      expect(await stopProcess(child)).toBe(0)
    }
  })

  it('says in one line that the port is taken, and exits', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, resolve))
    const { port } = taken.address() as AddressInfo
    try {
      const message = await failure(['serve'], { ...env, PORT: String(port) }, runCli)
      expect(message).toBe(
        `parley: port ${port} is already in use: stop the program using it or set PORT`,
      )
    } finally {
      taken.close()
    }
  })
})

describe('the embedded database', () => {
  // One story on one data directory: every server start on it costs an initdb or a recovery.
  it('refuses a second server on a data directory, lets commands join the first, and starts again after a kill -9', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-embedded-'))
    const embeddedEnv = cliEnv({ DATA_DIR: dataDir })
    let killed: ServeProcess | undefined
    try {
      const first = await startServe(embeddedEnv)
      killed = first
      await expect(startServe(embeddedEnv)).rejects.toThrow(
        /Another Parley process \(pid \d+\) is using the data directory/,
      )
      const created = await runCliHere(
        ['workspace:create', '--name', 'Beside the server'],
        embeddedEnv,
      )
      expect(created.stderr).toBe('')
      const { id } = JSON.parse(created.stdout) as { id: string }
      expect((await fetch(`http://127.0.0.1:${first.port}/readyz`)).status).toBe(200)
      first.child.kill('SIGKILL')
      await new Promise((resolve) => first.child.once('exit', resolve))
      expect(serversOn(dataDir)).toHaveLength(1)
      const { child, port } = await startServe(embeddedEnv)
      try {
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)
        const key = await runCliHere(
          ['apikey:create', '--workspace', id, '--role', 'owner'],
          embeddedEnv,
        )
        expect([key.code, key.stderr]).toEqual([0, ''])
      } finally {
        expect(await stopProcess(child)).toBe(0)
      }
      expect(serversOn(dataDir)).toEqual([])
    } finally {
      if (killed) await stopProcess(killed.child)
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 90_000)
})

/** PostgreSQL server processes running on the embedded cluster in dataDir. */
function serversOn(dataDir: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
        return command.includes(join(dataDir, 'postgres')) && command[0]?.endsWith('postgres')
      } catch {
        return false
      }
    })
}
