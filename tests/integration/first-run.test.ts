import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMigrations } from '../../src/db/migrate.js'
import { ConsoleSession } from '../helpers/console-session.js'
import { createFreshDatabase } from '../helpers/fresh-database.js'
import { createTestApp, type TestApp } from '../helpers/app.js'

let fresh: Awaited<ReturnType<typeof createFreshDatabase>>
let t: TestApp

beforeAll(async () => {
  fresh = await createFreshDatabase()
  t = createTestApp({}, fresh.url)
})
afterAll(async () => {
  await t.close()
  await fresh.drop()
})

const owner = {
  workspaceName: 'Acme Leads',
  name: 'Ana Owner',
  email: 'ana@acme.test',
  password: 'a strong passphrase',
}

describe('a new Parley', () => {
  it('is not ready until migrated, then ready', async () => {
    expect((await t.app.request('/healthz')).status).toBe(200)
    const before = await t.app.request('/readyz')
    expect(before.status).toBe(503)
    expect(((await before.json()) as { code: string }).code).toBe('not_ready')
    await runMigrations(t.database.pool)
    await runMigrations(t.database.pool)
    expect(await (await t.app.request('/readyz')).json()).toEqual({ status: 'ready' })
  })

  it('sends the first visitor to setup, and login goes there too', async () => {
    const visitor = new ConsoleSession(t.app)
    expect((await visitor.get('/')).headers.get('location')).toBe('/setup')
    expect((await visitor.get('/login')).headers.get('location')).toBe('/setup')
    const page = await (await visitor.get('/setup')).text()
    expect(page).toContain('Create your workspace and owner account')
    // The browser's zone replaces UTC through a script file (no inline script under the CSP).
    expect(page).toContain(
      '<input type="hidden" name="timezone" value="UTC" data-browser-time-zone>',
    )
    expect(page).toContain('<script src="/public/time-zone.js" defer></script>')
  })

  it('re-shows the form with the problem when the password is too short', async () => {
    const response = await new ConsoleSession(t.app).post('/setup', { ...owner, password: 'short' })
    expect(response.status).toBe(422)
    const html = await response.text()
    expect(html).toContain('Password must be at least 10 characters')
    expect(html).toContain('value="Acme Leads"')
  })

  it('reports every invalid field at once, each marked aria-invalid with its own message', async () => {
    const response = await new ConsoleSession(t.app).post('/setup', {
      ...owner,
      workspaceName: ' ',
      email: 'not-an-address',
      password: 'short',
    })
    expect(response.status).toBe(422)
    const html = await response.text()
    for (const field of ['workspaceName', 'email', 'password']) {
      expect(html).toMatch(
        new RegExp(
          `<input id="${field}"[^>]*aria-invalid="true" aria-describedby="${field}-problem"`,
        ),
      )
    }
    expect(html).toContain(
      '<p class="field-problem" id="workspaceName-problem">Workspace name must be 1 to 120 characters</p>',
    )
    expect(html).toContain(
      '<p class="field-problem" id="email-problem">Email must look like name@example.com</p>',
    )
    expect(html).toContain(
      '<p class="field-problem" id="password-problem">Password must be at least 10 characters</p>',
    )
    expect(html).not.toMatch(/<input id="name"[^>]*aria-invalid/)
    expect(html).toContain('Correct the 3 fields marked below.')
  })

  it('creates the workspace and owner, logs them in, and then closes setup', async () => {
    const visitor = new ConsoleSession(t.app)
    const response = await visitor.post('/setup', { ...owner, timezone: 'America/Sao_Paulo' })
    expect(response.headers.get('location')).toBe('/')
    const home = await (await visitor.get('/')).text()
    expect(home).toContain('<h1>Acme Leads</h1>')
    expect(home).toContain('role <strong>owner</strong>')
    const settings = await (await visitor.get('/settings')).text()
    expect(settings).toContain('<option selected>America/Sao_Paulo</option>')
    const later = new ConsoleSession(t.app)
    expect((await later.get('/setup')).headers.get('location')).toBe('/login')
    expect((await later.login(owner.email, owner.password)).status).toBe(303)
  })

  it('refuses a second setup: no new workspace, the visitor is sent to login', async () => {
    const late = new ConsoleSession(t.app)
    await late.csrfToken()
    const response = await late.post('/setup', {
      ...owner,
      workspaceName: 'Intruder',
      email: 'eve@x.test',
    })
    expect(response.headers.get('location')).toBe('/login')
    expect((await late.login('eve@x.test', owner.password)).status).toBe(401)
  })
})
