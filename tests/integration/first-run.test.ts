import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { pino } from 'pino'
import { createApp } from '../../src/app.js'
import { connectDatabase, type Database } from '../../src/db/client.js'
import { isMigrated, runMigrations } from '../../src/db/migrate.js'
import { createFieldCipher } from '../../src/crypto/field-cipher.js'
import { createRenderer } from '../../src/http/render.js'
import { VIEWS_DIR } from '../../src/paths.js'
import { ConsoleSession } from '../helpers/console-session.js'
import { createFreshDatabase } from '../helpers/fresh-database.js'

// PGlite serves its one database whatever name a client asks for, so it cannot hand this file
// the empty database a first run needs; on PGlite the file is skipped.
const onPglite = inject('databaseKind') === 'pglite'
let fresh: Awaited<ReturnType<typeof createFreshDatabase>>
let database: Database
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  if (onPglite) return
  fresh = await createFreshDatabase()
  database = connectDatabase(fresh.url, { log: pino({ level: 'silent' }) })
  app = createApp({
    db: database.db,
    cipher: createFieldCipher([randomBytes(32)]),
    log: pino({ level: 'silent' }),
    sessionSecret: randomBytes(32).toString('hex'),
    views: createRenderer(VIEWS_DIR),
    trustProxy: false,
    isReady: () => isMigrated(database.pool),
    now: () => new Date(),
  })
})
afterAll(async () => {
  if (onPglite) return
  await database.close()
  await fresh.drop()
})

const owner = {
  workspaceName: 'Acme Leads',
  name: 'Ana Owner',
  email: 'ana@acme.test',
  password: 'a strong passphrase',
}

describe.skipIf(onPglite)('a new Parley', () => {
  it('is not ready until migrated, then ready', async () => {
    expect((await app.request('/healthz')).status).toBe(200)
    const before = await app.request('/readyz')
    expect(before.status).toBe(503)
    expect(((await before.json()) as { code: string }).code).toBe('not_ready')
    await runMigrations(database.pool)
    await runMigrations(database.pool)
    expect(await (await app.request('/readyz')).json()).toEqual({ status: 'ready' })
  })

  it('sends the first visitor to setup, and login goes there too', async () => {
    const visitor = new ConsoleSession(app)
    expect((await visitor.get('/')).headers.get('location')).toBe('/setup')
    expect((await visitor.get('/login')).headers.get('location')).toBe('/setup')
    const page = await (await visitor.get('/setup')).text()
    expect(page).toContain('Create your workspace and owner account')
  })

  it('re-shows the form with the problem when the password is too short', async () => {
    const visitor = new ConsoleSession(app)
    await visitor.get('/setup')
    const token =
      /name="_csrf" value="([^"]+)"/.exec(await (await visitor.get('/setup')).text())?.[1] ?? ''
    const response = await visitor.request('/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...owner, password: 'short', _csrf: token }).toString(),
    })
    expect(response.status).toBe(422)
    const html = await response.text()
    expect(html).toContain('Password must be at least 10 characters')
    expect(html).toContain('value="Acme Leads"')
  })

  it('creates the workspace and owner, logs them in, and then closes setup', async () => {
    const visitor = new ConsoleSession(app)
    const token =
      /name="_csrf" value="([^"]+)"/.exec(await (await visitor.get('/setup')).text())?.[1] ?? ''
    const response = await visitor.request('/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...owner, _csrf: token }).toString(),
    })
    expect(response.headers.get('location')).toBe('/')
    const home = await (await visitor.get('/')).text()
    expect(home).toContain('<h1>Acme Leads</h1>')
    expect(home).toContain('role <strong>owner</strong>')
    const later = new ConsoleSession(app)
    expect((await later.get('/setup')).headers.get('location')).toBe('/login')
    expect((await later.login(owner.email, owner.password)).status).toBe(303)
  })
})
