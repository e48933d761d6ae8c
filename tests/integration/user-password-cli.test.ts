import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace, TEST_PASSWORD } from '../helpers/workspace.js'
import { ConsoleSession, signedIn } from '../helpers/console-session.js'
import { withTenant } from '../../src/db/tenant.js'
import { auditEntries, users } from '../../src/db/schema.js'
import { userPassword } from '../../src/cli/user-password.js'
import { userCreate } from '../../src/cli/commands.js'
import type { Terminal } from '../../src/cli/terminal.js'

// The command runs in this process against the test database; cli.test.ts spawns the real one.
let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Cli')
})
afterAll(() => t.close())

/** A terminal that answers the prompts in order and remembers what it was asked. */
function typing(...answers: string[]): Terminal & { prompts: string[] } {
  const prompts: string[] = []
  return {
    interactive: true,
    prompts,
    readSecret: (prompt) => {
      prompts.push(prompt)
      return Promise.resolve(answers.shift() ?? '')
    },
  }
}
const noTerminal: Terminal = { interactive: false, readSecret: () => Promise.reject(new Error()) }

async function row(id: string) {
  const [found] = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
    tx.select().from(users).where(eq(users.id, id)),
  )
  return found
}

describe('parley user:password', () => {
  it('sets the password from --password, ends sessions, and asks for a new one at login', async () => {
    const session = await signedIn(t.app, ws.users.sales)
    const result = await userPassword(
      t.jobDeps,
      ['--email', ws.users.sales.email.toUpperCase(), '--password', 'from the terminal'],
      noTerminal,
    )
    expect(result).toEqual({
      id: ws.users.sales.id,
      email: ws.users.sales.email,
      workspaceId: ws.workspaceId,
      mustChangePassword: true,
    })
    expect((await session.get('/inbox')).headers.get('location')).toBe('/login?next=%2Finbox')
    const login = await new ConsoleSession(t.app).login(ws.users.sales.email, 'from the terminal')
    expect(login.headers.get('location')).toBe('/account')
    const [entry] = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
      tx
        .select()
        .from(auditEntries)
        .where(
          and(
            eq(auditEntries.workspaceId, ws.workspaceId),
            eq(auditEntries.action, 'user.password_reset'),
          ),
        ),
    )
    expect(entry).toMatchObject({
      actorType: 'system',
      actorName: 'parley user:password',
      recordId: ws.users.sales.id,
    })
    expect(JSON.stringify(entry)).not.toContain('from the terminal')
  })

  it('prompts twice on a terminal when --password is absent', async () => {
    const terminal = typing('typed on a tty', 'typed on a tty')
    await userPassword(t.jobDeps, ['--email', ws.users.manager.email], terminal)
    expect(terminal.prompts).toEqual(['New password: ', 'Same password again: '])
    const login = await new ConsoleSession(t.app).login(ws.users.manager.email, 'typed on a tty')
    expect(login.status).toBe(303)
  })

  it.each([
    [['--email', 'nobody@example.test', '--password', 'long enough pw'], 'no user with email'],
    [['--email', 'x', '--password', 'short'], 'no user with email x'],
    [['--password', 'long enough pw'], 'missing --email'],
    [['--email', 'a@b.co', '--workspace', 'w'], "Unknown option '--workspace'"],
  ])('refuses %j with one line', async (argv, message) => {
    await expect(userPassword(t.jobDeps, argv, noTerminal)).rejects.toThrow(message)
  })

  it.each([
    [['--password', 'short'], noTerminal, 'Password must be at least 10 characters'],
    [['--password', ' '.repeat(10)], noTerminal, 'Password must not be only spaces'],
    [[], noTerminal, 'no --password given and stdin is not a terminal'],
    [[], typing('first try here', 'second try here'), 'the two passwords are not the same'],
  ])('refuses %j and leaves the password alone', async (flags, terminal, message) => {
    const before = await row(ws.users.admin.id)
    const argv = ['--email', ws.users.admin.email, ...flags]
    await expect(userPassword(t.jobDeps, argv, terminal)).rejects.toThrow(message)
    expect(await row(ws.users.admin.id)).toEqual(before)
    expect((await new ConsoleSession(t.app).login(ws.users.admin.email)).status).toBe(303)
  })
})

describe('parley user:create --name', () => {
  it('stores the display name the Users page shows', async () => {
    const email = `named.${ws.tag}@example.test`
    const argv = ['--workspace', ws.workspaceId, '--email', email, '--password', TEST_PASSWORD]
    const { id } = await userCreate(t.jobDeps, [...argv, '--role', 'sales', '--name', 'Nia Okafor'])
    expect((await row(id))?.name).toBe('Nia Okafor')
    const page = await (await signedIn(t.app, ws.users.admin)).get('/users')
    expect(await page.text()).toContain('Nia Okafor')
  })
})
