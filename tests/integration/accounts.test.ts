import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace, TEST_PASSWORD } from '../helpers/workspace.js'
import { ConsoleSession, signedIn } from '../helpers/console-session.js'
import { withTenant } from '../../src/db/tenant.js'
import { auditEntries, users } from '../../src/db/schema.js'

let t: TestApp
type Seeded = Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(() => {
  t = createTestApp()
})
afterAll(() => t.close())

const NEW_PASSWORD = 'a brand new passphrase'

async function userRow(ws: Seeded, id: string) {
  const [row] = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
    tx.select().from(users).where(eq(users.id, id)),
  )
  return row
}

async function auditOf(ws: Seeded, action: string) {
  return withTenant(t.deps.db, ws.workspaceId, (tx) =>
    tx
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.workspaceId, ws.workspaceId), eq(auditEntries.action, action))),
  )
}

function change(session: ConsoleSession, fields: Record<string, string> = {}) {
  return session.post('/account/password', {
    current: TEST_PASSWORD,
    next: NEW_PASSWORD,
    repeat: NEW_PASSWORD,
    ...fields,
  })
}

describe('/account: changing your own password', () => {
  it('shows every role its account page, linked from the top bar', async () => {
    const ws = await seedWorkspace(t.deps, 'Account')
    for (const role of ['sales', 'owner'] as const) {
      const html = await (await (await signedIn(t.app, ws.users[role])).get('/account')).text()
      expect(html).toContain('<h1>Your account</h1>')
      expect(html).toContain(ws.users[role].email)
      expect(html).toContain('href="/account"')
      expect(html).toMatch(/name="_csrf" value="[^"]+"/)
    }
  })

  it('changes the password, keeps this session, ends the others, and audits it', async () => {
    const ws = await seedWorkspace(t.deps, 'Change')
    const here = await signedIn(t.app, ws.users.sales)
    const elsewhere = await signedIn(t.app, ws.users.sales)
    const response = await change(here)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('Password changed')
    expect((await here.get('/inbox')).status).toBe(200)
    expect((await elsewhere.get('/inbox')).headers.get('location')).toBe('/login?next=%2Finbox')
    expect((await new ConsoleSession(t.app).login(ws.users.sales.email)).status).toBe(401)
    const login = await new ConsoleSession(t.app).login(ws.users.sales.email, NEW_PASSWORD)
    expect(login.status).toBe(303)
    const [entry] = await auditOf(ws, 'user.password_change')
    expect(entry).toMatchObject({ recordId: ws.users.sales.id, actorId: ws.users.sales.id })
    expect(JSON.stringify(entry)).not.toContain(NEW_PASSWORD)
  })

  it.each([
    [{ current: 'not my password' }, 'Your current password is not right'],
    [{ repeat: 'a different passphrase' }, 'The two new passwords are not the same'],
    [{ next: 'short', repeat: 'short' }, 'Password must be at least 10 characters'],
    [{ next: ' '.repeat(12), repeat: ' '.repeat(12) }, 'Password must not be only spaces'],
    [{ next: TEST_PASSWORD, repeat: TEST_PASSWORD }, 'must differ from the current one'],
  ])('refuses %o with "%s" and changes nothing', async (fields, message) => {
    const ws = await seedWorkspace(t.deps, 'Refuse')
    const before = await userRow(ws, ws.users.manager.id)
    const other = await signedIn(t.app, ws.users.manager)
    const response = await change(await signedIn(t.app, ws.users.manager), fields)
    expect(response.status).toBe(422)
    expect(await response.text()).toContain(message)
    expect((await userRow(ws, ws.users.manager.id))?.passwordHash).toBe(before?.passwordHash)
    expect((await other.get('/account')).status).toBe(200)
    expect(await auditOf(ws, 'user.password_change')).toEqual([])
  })

  it('counts wrong current passwords like failed logins, and blocks after five', async () => {
    const ws = await seedWorkspace(t.deps, 'Guess')
    const session = new ConsoleSession(t.app, '198.51.100.77')
    expect((await session.login(ws.users.admin.email)).status).toBe(303)
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await change(session, { current: `guess number ${attempt}` })).status).toBe(422)
    }
    const blocked = await change(session)
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await blocked.text()).toContain('Too many attempts')
    expect(await auditOf(ws, 'user.password_change')).toEqual([])
    const login = await new ConsoleSession(t.app, '198.51.100.77').login(ws.users.admin.email)
    expect(login.status).toBe(429)
  })

  it('refuses a change without the CSRF token, or without a session', async () => {
    const ws = await seedWorkspace(t.deps, 'Csrf')
    const session = await signedIn(t.app, ws.users.sales)
    const before = await userRow(ws, ws.users.sales.id)
    const forged = await session.post(
      '/account/password',
      { current: TEST_PASSWORD, next: NEW_PASSWORD, repeat: NEW_PASSWORD },
      { csrf: false },
    )
    expect(forged.status).toBe(403)
    const anonymous = await change(new ConsoleSession(t.app))
    expect(anonymous.headers.get('location')).toBe('/login')
    expect((await userRow(ws, ws.users.sales.id))?.passwordHash).toBe(before?.passwordHash)
  })
})

describe('Users page: resetting a password', () => {
  let ws: Seeded
  beforeAll(async () => {
    ws = await seedWorkspace(t.deps, 'Reset')
  })

  async function reset(by: ConsoleSession, userId: string) {
    const response = await by.post(`/users/${userId}/password`, {}, { htmx: true })
    const html = await response.text()
    const password = /<code class="secret">([^<]+)<\/code>/.exec(html)?.[1]
    return { response, html, password }
  }

  it('lets an admin reset a salesperson: shown once, sessions end, audited without it', async () => {
    const sales = await signedIn(t.app, ws.users.sales)
    const admin = await signedIn(t.app, ws.users.admin)
    const { response, password } = await reset(admin, ws.users.sales.id)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(password).toMatch(/^[\w-]{16}$/)
    expect((await sales.get('/inbox')).headers.get('location')).toBe('/login?next=%2Finbox')
    expect((await userRow(ws, ws.users.sales.id))?.mustChangePassword).toBe(true)
    const [entry] = await auditOf(ws, 'user.password_reset')
    expect(entry).toMatchObject({ recordId: ws.users.sales.id, actorId: ws.users.admin.id })
    expect(JSON.stringify(entry)).not.toContain(password)
    expect(await (await admin.get('/users')).text()).not.toContain(password)
  })

  it('sends a user with a temporary password to /account until they choose their own', async () => {
    const owner = await signedIn(t.app, ws.users.owner)
    const { password = '' } = await reset(owner, ws.users.manager.id)
    const manager = new ConsoleSession(t.app)
    const login = await manager.post('/login', {
      email: ws.users.manager.email,
      password,
      next: '/contacts',
    })
    expect(login.headers.get('location')).toBe('/account')
    for (const path of ['/', '/inbox', '/contacts', '/users/x', '/settings']) {
      expect((await manager.get(path)).headers.get('location')).toBe('/account')
    }
    const htmx = await manager.get('/inbox', { 'hx-request': 'true' })
    expect(htmx.headers.get('hx-redirect')).toBe('/account')
    const page = await (await manager.get('/account')).text()
    expect(page).toContain('Your password was set by someone else')
    expect(page).not.toContain('aria-label="Main"')
    const changed = await change(manager, { current: password })
    expect(changed.status).toBe(200)
    expect(await changed.text()).not.toContain('set by someone else')
    expect((await manager.get('/contacts')).status).toBe(200)
    expect((await userRow(ws, ws.users.manager.id))?.mustChangePassword).toBe(false)
  })

  it("does not let an admin reset an owner's password", async () => {
    const admin = await signedIn(t.app, ws.users.admin)
    const before = await userRow(ws, ws.users.owner.id)
    const { response, password } = await reset(admin, ws.users.owner.id)
    expect(response.status).toBe(403)
    expect(password).toBeUndefined()
    expect((await userRow(ws, ws.users.owner.id))?.passwordHash).toBe(before?.passwordHash)
  })

  it('lets an owner reset another owner', async () => {
    const lone = await seedWorkspace(t.deps, 'Owners')
    const owner = await signedIn(t.app, lone.users.owner)
    const email = `second.${lone.tag}@example.test`
    await owner.post('/users', { name: 'Second', email, password: TEST_PASSWORD, role: 'owner' })
    const [second] = await withTenant(t.deps.db, lone.workspaceId, (tx) =>
      tx.select().from(users).where(eq(users.email, email)),
    )
    const { response, password } = await reset(owner, second?.id ?? '')
    expect(response.status).toBe(200)
    expect(password).toBeDefined()
  })

  it('refuses sales and managers, yourself, another workspace, and a missing CSRF token', async () => {
    const mine = await seedWorkspace(t.deps, 'Refusals')
    const other = await seedWorkspace(t.deps, 'Elsewhere')
    const admin = await signedIn(t.app, mine.users.admin)
    const cases = [
      { by: await signedIn(t.app, mine.users.sales), id: mine.users.admin.id, status: 403 },
      { by: await signedIn(t.app, mine.users.manager), id: mine.users.sales.id, status: 403 },
      { by: admin, id: mine.users.admin.id, status: 422 },
      { by: admin, id: other.users.sales.id, status: 404 },
      { by: admin, id: 'not-a-uuid', status: 404 },
    ]
    for (const { by, id, status } of cases) {
      expect((await reset(by, id)).response.status).toBe(status)
    }
    const forged = await admin.post(`/users/${mine.users.sales.id}/password`, {}, { csrf: false })
    expect(forged.status).toBe(403)
    expect((await userRow(mine, mine.users.admin.id))?.mustChangePassword).toBe(false)
    const [otherSales] = await withTenant(t.deps.db, other.workspaceId, (tx) =>
      tx.select().from(users).where(eq(users.id, other.users.sales.id)),
    )
    expect(otherSales?.mustChangePassword).toBe(false)
  })
})

describe('Users page: unlocking sign-in', () => {
  async function lockOut(email: string, ip: string) {
    for (let i = 0; i < 5; i++) await new ConsoleSession(t.app, ip).login(email, `wrong ${i}!!!!!`)
    expect((await new ConsoleSession(t.app, ip).login(email)).status).toBe(429)
  }

  it('lets an admin lift the block wrong passwords put on a user, audited', async () => {
    const ws = await seedWorkspace(t.deps, 'Unlock')
    await lockOut(ws.users.sales.email, '198.51.100.90')
    const admin = await signedIn(t.app, ws.users.admin)
    const page = await (await admin.get('/users')).text()
    expect(page).toContain(`action="/users/${ws.users.sales.id}/unlock"`)
    const response = await admin.post(`/users/${ws.users.sales.id}/unlock`, {}, { htmx: true })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('can sign in again from anywhere')
    const [entry] = await auditOf(ws, 'user.unlock')
    expect(entry).toMatchObject({ recordId: ws.users.sales.id, actorId: ws.users.admin.id })
    const login = await new ConsoleSession(t.app, '198.51.100.90').login(ws.users.sales.email)
    expect(login.status).toBe(303)
  })

  it('audits the address the proxy saw, not a first X-Forwarded-For hop the client forged', async () => {
    const ws = await seedWorkspace(t.deps, 'Forged')
    const admin = new ConsoleSession(t.app, '6.6.6.6, 198.51.100.92')
    expect((await admin.login(ws.users.admin.email)).status).toBe(303)
    await admin.post(`/users/${ws.users.sales.id}/unlock`, {}, { htmx: true })
    const [entry] = await auditOf(ws, 'user.unlock')
    expect(entry?.ip).toBe('198.51.100.92')
  })

  it('refuses sales, an admin unlocking an owner, another workspace, and a missing CSRF token', async () => {
    const mine = await seedWorkspace(t.deps, 'Locked')
    const other = await seedWorkspace(t.deps, 'Aloof')
    await lockOut(other.users.sales.email, '198.51.100.91')
    const admin = await signedIn(t.app, mine.users.admin)
    const sales = await signedIn(t.app, mine.users.sales)
    const unlock = (by: ConsoleSession, id: string) =>
      by.post(`/users/${id}/unlock`, {}, { htmx: true })
    expect((await unlock(sales, mine.users.manager.id)).status).toBe(403)
    expect((await unlock(admin, mine.users.owner.id)).status).toBe(403)
    expect((await unlock(admin, other.users.sales.id)).status).toBe(404)
    const forged = await admin.post(`/users/${mine.users.sales.id}/unlock`, {}, { csrf: false })
    expect(forged.status).toBe(403)
    expect(await auditOf(mine, 'user.unlock')).toEqual([])
    const still = await new ConsoleSession(t.app, '198.51.100.91').login(other.users.sales.email)
    expect(still.status).toBe(429)
  })
})

describe('the next link through login', () => {
  let ws: Seeded
  beforeAll(async () => {
    ws = await seedWorkspace(t.deps, 'Next')
  })

  it('sends a logged-out visitor to login with the page, and lands them there after', async () => {
    const visitor = new ConsoleSession(t.app)
    const first = await visitor.get('/contacts?q=ana')
    expect(first.headers.get('location')).toBe('/login?next=%2Fcontacts%3Fq%3Dana')
    const form = await (await visitor.get(first.headers.get('location') ?? '')).text()
    expect(form).toContain('name="next" value="/contacts?q=ana"')
    const login = await visitor.post('/login', {
      email: ws.users.sales.email,
      password: TEST_PASSWORD,
      next: '/contacts?q=ana',
    })
    expect(login.headers.get('location')).toBe('/contacts?q=ana')
  })

  it('keeps the next link when the password was wrong', async () => {
    const visitor = new ConsoleSession(t.app)
    const response = await visitor.post('/login', {
      email: ws.users.sales.email,
      password: 'wrong password',
      next: '/inbox',
    })
    expect(response.status).toBe(401)
    expect(await response.text()).toContain('name="next" value="/inbox"')
  })

  it.each(['//evil.com', 'https://evil.com', '/\\evil.com', '/\t/evil.com', 'javascript:alert(1)'])(
    'ignores the off-site next %j and lands on the default page',
    async (next) => {
      const visitor = new ConsoleSession(t.app)
      const form = await (await visitor.get(`/login?next=${encodeURIComponent(next)}`)).text()
      expect(form).not.toContain('name="next"')
      const login = await visitor.post('/login', {
        email: ws.users.sales.email,
        password: TEST_PASSWORD,
        next,
      })
      expect(login.headers.get('location')).toBe('/')
      const again = await visitor.get(`/login?next=${encodeURIComponent(next)}`)
      expect(again.headers.get('location')).toBe('/')
    },
  )

  it('sends a signed-in visitor of /login straight on to a local next', async () => {
    const session = await signedIn(t.app, ws.users.sales)
    expect((await session.get('/login?next=%2Finbox')).headers.get('location')).toBe('/inbox')
  })
})
