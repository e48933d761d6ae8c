import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace, TEST_PASSWORD } from '../helpers/workspace.js'
import { ConsoleSession } from '../helpers/console-session.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>
const HOUR = 60 * 60 * 1000

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Auth')
})
afterAll(() => t.close())

async function loggedIn(email: string, ip?: string) {
  const session = new ConsoleSession(t.app, ip)
  const response = await session.login(email)
  expect(response.status).toBe(303)
  return session
}

describe('login', () => {
  it('lets a user in and shows the console shell with name, role and logout', async () => {
    const session = new ConsoleSession(t.app)
    const response = await session.login(ws.users.admin.email)
    expect(response.headers.get('location')).toBe('/')
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('parley_session='))
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    const home = await (await session.get('/')).text()
    expect(home).toContain('Auth admin')
    expect(home).toContain('role <strong>admin</strong>')
    expect(home).toContain('href="/users"')
    expect(home).toContain('Log out')
  })

  it('answers a wrong password and an unknown email with the same words', async () => {
    const wrong = await new ConsoleSession(t.app, '198.51.100.1').login(
      ws.users.sales.email,
      'nope-nope-nope',
    )
    const unknown = await new ConsoleSession(t.app, '198.51.100.2').login(
      `ghost.${ws.tag}@example.test`,
    )
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(await wrong.text()).toContain('Email or password is incorrect')
    expect(await unknown.text()).toContain('Email or password is incorrect')
  })

  it('refuses a login form without its CSRF token with a 403 page', async () => {
    const session = new ConsoleSession(t.app)
    const response = await session.post(
      '/login',
      { email: ws.users.admin.email, password: TEST_PASSWORD },
      { csrf: false },
    )
    expect(response.status).toBe(403)
    expect(await response.text()).toContain('The form expired or did not come from Parley')
  })

  it('blocks an account from one address after five failures; another address still gets in', async () => {
    const email = ws.users.manager.email
    for (let i = 0; i < 5; i++) {
      const r = await new ConsoleSession(t.app, '192.0.2.1').login(email, 'wrong password!')
      expect(r.status).toBe(401)
    }
    const blocked = await new ConsoleSession(t.app, '192.0.2.1').login(email)
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('retry-after')).toBe('900')
    expect(await blocked.text()).toMatch(/Too many attempts\. Try again in 15 minutes\./)
    expect((await new ConsoleSession(t.app, '192.0.2.2').login(email)).status).toBe(303)
    t.clock.advance(901 * 1000)
    expect((await new ConsoleSession(t.app, '192.0.2.1').login(email)).status).toBe(303)
  })

  it('checks only five of thirty parallel guesses from one address', async () => {
    const pack = await seedWorkspace(t.deps, 'Race')
    const email = pack.users.owner.email
    const guesses = Array.from({ length: 30 }, (_, i) =>
      new ConsoleSession(t.app, '192.0.2.30').login(email, `wrong guess ${i}`),
    )
    const statuses = (await Promise.all(guesses)).map((r) => r.status)
    expect(statuses.filter((s) => s === 401)).toHaveLength(5)
    expect(statuses.filter((s) => s === 429)).toHaveLength(25)
    expect((await new ConsoleSession(t.app, '192.0.2.30').login(email)).status).toBe(429)
  })

  it('paces guesses spread over many addresses to ten a minute, never a long lockout', async () => {
    const pack = await seedWorkspace(t.deps, 'Pace')
    const email = pack.users.owner.email
    for (let i = 0; i < 10; i++) {
      const r = await new ConsoleSession(t.app, `192.0.2.${100 + i}`).login(
        email,
        'wrong password!',
      )
      expect(r.status).toBe(401)
    }
    const paced = await new ConsoleSession(t.app, '192.0.2.120').login(email)
    expect(paced.status).toBe(429)
    expect(Number(paced.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    t.clock.advance(61 * 1000)
    expect((await new ConsoleSession(t.app, '192.0.2.121').login(email)).status).toBe(303)
  })

  it('blocks a client address after twenty failures across accounts', async () => {
    const ip = '192.0.2.200'
    for (let i = 0; i < 20; i++) {
      await new ConsoleSession(t.app, ip).login(`nobody${i}.${ws.tag}@example.test`, 'x')
    }
    expect((await new ConsoleSession(t.app, ip).login(ws.users.owner.email)).status).toBe(429)
    expect(
      (await new ConsoleSession(t.app, '192.0.2.201').login(ws.users.owner.email)).status,
    ).toBe(303)
  })

  it('counts a client address behind the proxy, whatever first hop the client forges', async () => {
    const forged = (i: number) => `10.${i}.0.1, 192.0.2.250`
    for (let i = 0; i < 20; i++) {
      await new ConsoleSession(t.app, forged(i)).login(`nobody${i}.${ws.tag}@example.test`, 'x')
    }
    expect((await new ConsoleSession(t.app, forged(99)).login(ws.users.owner.email)).status).toBe(
      429,
    )
  })
})

describe('sessions', () => {
  it('sends a tampered session cookie back to login', async () => {
    const session = await loggedIn(ws.users.sales.email)
    const token = session.cookie('parley_session') ?? ''
    session.setCookie('parley_session', `${token.slice(0, -2)}xx`)
    const response = await session.get('/')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/login')
  })

  it('ends a session after 12 idle hours', async () => {
    const session = await loggedIn(ws.users.sales.email)
    t.clock.advance(11 * HOUR)
    expect((await session.get('/inbox')).status).toBe(200)
    t.clock.advance(13 * HOUR)
    expect((await session.get('/inbox')).headers.get('location')).toBe('/login?next=%2Finbox')
  })

  it('ends an active session seven days after login', async () => {
    const session = await loggedIn(ws.users.sales.email)
    for (let hours = 0; hours < 7 * 24 - 10; hours += 10) {
      t.clock.advance(10 * HOUR)
      expect((await session.get('/inbox')).status).toBe(200)
    }
    t.clock.advance(11 * HOUR)
    expect((await session.get('/inbox')).headers.get('location')).toBe('/login?next=%2Finbox')
  })

  it('revokes the session on logout so the old cookie no longer works', async () => {
    const session = await loggedIn(ws.users.sales.email)
    const token = session.cookie('parley_session') ?? ''
    const out = await session.post('/logout', {})
    expect(out.headers.get('location')).toBe('/login')
    session.setCookie('parley_session', token)
    expect((await session.get('/')).headers.get('location')).toBe('/login')
  })

  it('asks htmx to navigate to login instead of swapping it into a fragment', async () => {
    const response = await new ConsoleSession(t.app).get('/users', { 'hx-request': 'true' })
    expect(response.status).toBe(401)
    expect(response.headers.get('hx-redirect')).toBe('/login')
  })

  it('accepts the CSRF token from the htmx header as well as the form field', async () => {
    const session = await loggedIn(ws.users.admin.email)
    const token = await session.csrfToken()
    const response = await session.request('/users/00000000-0000-0000-0000-000000000000/role', {
      method: 'POST',
      headers: {
        'x-csrf-token': token,
        'hx-request': 'true',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'role=sales',
    })
    expect(response.status).toBe(404)
    const forged = await session.request('/users/00000000-0000-0000-0000-000000000000/role', {
      method: 'POST',
      headers: { 'x-csrf-token': 'forged', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'role=sales',
    })
    expect(forged.status).toBe(403)
  })
})

describe('CSRF tokens bound to the session', () => {
  async function postWithToken(session: ConsoleSession, token: string) {
    const body = new URLSearchParams({ _csrf: token }).toString()
    return session.request('/logout', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
  }

  it("refuses an attacker's planted cookie and its anonymous token with a victim's session", async () => {
    const attacker = new ConsoleSession(t.app, '198.51.100.60')
    const token = await attacker.csrfToken()
    const victim = await loggedIn(ws.users.admin.email)
    victim.setCookie('parley_csrf', attacker.cookie('parley_csrf') ?? '')
    const forged = await postWithToken(victim, token)
    expect(forged.status).toBe(403)
    expect((await victim.get('/')).status).toBe(200)
  })

  it('gives a new CSRF cookie at login, so the token from before no longer works', async () => {
    const session = new ConsoleSession(t.app)
    const before = await session.csrfToken()
    const cookieBefore = session.cookie('parley_csrf')
    await session.login(ws.users.sales.email)
    expect(session.cookie('parley_csrf')).not.toBe(cookieBefore)
    expect((await postWithToken(session, before)).status).toBe(403)
    const after = await session.csrfToken()
    expect(after).not.toBe(before)
    expect((await postWithToken(session, after)).headers.get('location')).toBe('/login')
  })
})

describe('roles in the console', () => {
  it.each([
    ['sales', 403],
    ['manager', 403],
    ['admin', 200],
    ['owner', 200],
  ] as const)('%s opening /users gets %i', async (role, status) => {
    const session = await loggedIn(ws.users[role].email)
    const response = await session.get('/users')
    expect(response.status).toBe(status)
    if (status === 403) expect(await response.text()).toContain('Your role does not allow this')
  })

  it('hides the Users area from the navigation of sales users', async () => {
    const html = await (await (await loggedIn(ws.users.sales.email)).get('/')).text()
    expect(html).not.toContain('href="/users"')
  })
})
