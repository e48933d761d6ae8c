import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { ConsoleSession, signedIn } from '../helpers/console-session.js'
import { withTenant } from '../../src/db/tenant.js'
import { users } from '../../src/db/schema.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>
let other: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Users')
  other = await seedWorkspace(t.deps, 'Other')
})
afterAll(() => t.close())

function as(role: 'owner' | 'admin' | 'sales', workspace = ws) {
  return signedIn(t.app, workspace.users[role])
}

async function userRow(id: string) {
  const [row] = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
    tx.select().from(users).where(eq(users.id, id)),
  )
  return row
}

const newUser = (email: string, role = 'sales', phone = '') => ({
  name: 'Nia',
  email,
  password: 'a long password',
  role,
  phone,
})

describe('users management', () => {
  it('creates a user whose phone is stored encrypted with a blind index', async () => {
    const admin = await as('admin')
    const email = `nia.${ws.tag}@example.test`
    const response = await admin.post('/users', newUser(email, 'sales', '+91 98765 43210'), {
      htmx: true,
    })
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain(`Created ${email}`)
    expect(html).toContain('+91 ••••• 43210')
    expect(html).not.toContain('<html')
    const [row] = await withTenant(t.deps.db, ws.workspaceId, (tx) =>
      tx.select().from(users).where(eq(users.email, email)),
    )
    expect(row?.phoneEnc).not.toContain('9876543210')
    expect(t.deps.cipher.decrypt(row?.phoneEnc ?? '')).toBe('+919876543210')
    expect(row?.phoneIndex).toBe(t.deps.cipher.blindIndex('+919876543210'))
    expect((await new ConsoleSession(t.app).login(email, 'a long password')).status).toBe(303)
  })

  it("refuses another workspace's email without saying that it exists", async () => {
    const admin = await as('admin')
    const response = await admin.post('/users', newUser(other.users.sales.email.toUpperCase()))
    expect(response.status).toBe(409)
    const html = await response.text()
    expect(html).toContain('This email address cannot be used')
    expect(html).not.toMatch(/exists|already/i)
  })

  it('refuses a common password, or the email as the password', async () => {
    const admin = await as('admin')
    const common = await admin.post('/users', {
      ...newUser(`weak.${ws.tag}@example.test`),
      password: 'password123',
    })
    expect(common.status).toBe(422)
    expect(await common.text()).toContain('Password is too common: choose another')
    const email = `self.named.${ws.tag}@example.test`
    const same = await admin.post('/users', { ...newUser(email), password: email })
    expect(same.status).toBe(422)
    expect(await same.text()).toContain('Password must not be your email address')
  })

  it('refuses a WhatsApp number another user of the workspace has', async () => {
    const admin = await as('admin')
    const first = await admin.post(
      '/users',
      newUser(`p1.${ws.tag}@example.test`, 'sales', '+447700900123'),
    )
    expect(first.status).toBe(200)
    const second = await admin.post(
      '/users',
      newUser(`p2.${ws.tag}@example.test`, 'sales', '+44 7700 900123'),
    )
    expect(second.status).toBe(422)
    expect(await second.text()).toContain('Another user of this workspace has this phone number')
  })

  it('lists every problem with a bad form at once', async () => {
    const admin = await as('admin')
    const response = await admin.post('/users', {
      email: 'x',
      password: 'short',
      role: 'sales',
      name: '',
    })
    expect(response.status).toBe(422)
    const html = await response.text()
    expect(html).toContain('Email must look like name@example.com')
    expect(html).toContain('Password must be at least 10 characters')
  })

  it('lets only an owner create an owner', async () => {
    const admin = await as('admin')
    const denied = await admin.post('/users', newUser(`o1.${ws.tag}@example.test`, 'owner'))
    expect(denied.status).toBe(403)
    const owner = await as('owner')
    expect((await owner.post('/users', newUser(`o2.${ws.tag}@example.test`, 'owner'))).status).toBe(
      200,
    )
  })

  it("does not let an admin change an owner's role", async () => {
    const admin = await as('admin')
    const response = await admin.post(`/users/${ws.users.owner.id}/role`, { role: 'sales' })
    expect(response.status).toBe(403)
    expect((await userRow(ws.users.owner.id))?.role).toBe('owner')
  })

  it('ends the sessions of a user whose role changes', async () => {
    const sales = await as('sales')
    const admin = await as('admin')
    expect((await admin.post(`/users/${ws.users.sales.id}/role`, { role: 'manager' })).status).toBe(
      200,
    )
    expect((await userRow(ws.users.sales.id))?.role).toBe('manager')
    expect((await sales.get('/')).headers.get('location')).toBe('/login')
    await admin.post(`/users/${ws.users.sales.id}/role`, { role: 'sales' })
  })

  it('shows Deactivate as a dangerous action that asks first, and Reactivate as a plain one', async () => {
    const admin = await as('admin')
    const page = await (await admin.get('/users')).text()
    const form = new RegExp(
      `<form[^>]*action="/users/${ws.users.sales.id}/activation"[^>]*>[^]*?</form>`,
    ).exec(page)?.[0]
    expect(form).toMatch(/hx-confirm="Deactivate [^"]+\? They are signed out at once/)
    expect(form).toContain('<button type="submit" class="danger">Deactivate</button>')
  })

  it('deactivates a user: their session ends and they cannot log in again', async () => {
    const sales = await as('sales')
    const admin = await as('admin')
    const response = await admin.post(`/users/${ws.users.sales.id}/activation`, { active: 'false' })
    expect(await response.text()).toContain('User deactivated')
    expect((await sales.get('/')).headers.get('location')).toBe('/login')
    expect((await new ConsoleSession(t.app).login(ws.users.sales.email)).status).toBe(401)
    await admin.post(`/users/${ws.users.sales.id}/activation`, { active: 'true' })
    expect((await new ConsoleSession(t.app).login(ws.users.sales.email)).status).toBe(303)
  })

  it('keeps the last active owner', async () => {
    const lone = await seedWorkspace(t.deps, 'Lone')
    const owner = await as('owner', lone)
    const response = await owner.post(`/users/${lone.users.owner.id}/role`, { role: 'admin' })
    expect(response.status).toBe(409)
    expect(await response.text()).toContain('at least one active owner')
  })

  it("cannot touch another workspace's user", async () => {
    const admin = await as('admin')
    const response = await admin.post(`/users/${other.users.sales.id}/activation`, {
      active: 'false',
    })
    expect(response.status).toBe(404)
  })

  it('does not let an admin deactivate themself', async () => {
    const admin = await as('admin')
    const response = await admin.post(`/users/${ws.users.admin.id}/activation`, { active: 'false' })
    expect(response.status).toBe(422)
  })
})
