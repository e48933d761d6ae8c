import { afterAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.js'
import { ConsoleSession } from '../helpers/console-session.js'
import { seedWorkspace } from '../helpers/workspace.js'

const t = createTestApp()
const failing = createTestApp({ isReady: () => Promise.reject(new Error('database down')) })
afterAll(async () => {
  await t.close()
  await failing.close()
})

describe('the HTTP shell', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await (await t.app.request('/healthz')).json()).toEqual({ status: 'ok' })
    expect(await (await t.app.request('/readyz')).json()).toEqual({ status: 'ready' })
  })

  it('answers /readyz with 503 not_ready when the database does not answer', async () => {
    const response = await failing.app.request('/readyz')
    expect(response.status).toBe(503)
    expect(((await response.json()) as { code: string }).code).toBe('not_ready')
  })

  it('sends a strict CSP and the other security headers on console pages', async () => {
    const response = await t.app.request('/login')
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("style-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('referrer-policy')).toBe('same-origin')
    expect(response.headers.get('strict-transport-security')).toBeNull()
  })

  it('adds HSTS and Secure cookies only over TLS', async () => {
    const response = await t.app.request('/login', { headers: { 'x-forwarded-proto': 'https' } })
    expect(response.headers.get('strict-transport-security')).toContain('max-age=')
    expect(response.headers.getSetCookie().join(';')).toMatch(/Secure/)
  })

  it('renders pages without inline script or style attributes', async () => {
    const html = await (await t.app.request('/login')).text()
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    expect(html).not.toMatch(/\sstyle=/)
    expect(html).not.toMatch(/\son[a-z]+=/)
  })

  it('echoes a sane X-Request-Id and replaces a bad one', async () => {
    const kept = await t.app.request('/healthz', { headers: { 'x-request-id': 'abc-12345678' } })
    expect(kept.headers.get('x-request-id')).toBe('abc-12345678')
    const replaced = await t.app.request('/healthz', { headers: { 'x-request-id': 'bad id\n' } })
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('shows a readable 404 page in the console and problem+json elsewhere', async () => {
    const page = await new ConsoleSession(t.app).get('/no-such-page')
    expect(page.status).toBe(404)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(await page.text()).toContain('Not found')
    const machine = await t.app.request('/webhooks/nothing')
    expect(machine.headers.get('content-type')).toBe('application/problem+json')
  })

  it('refuses a console form over 256 KB with 413', async () => {
    const session = new ConsoleSession(t.app)
    const response = await session.post('/login', {
      email: 'a@b.co',
      password: 'x'.repeat(300 * 1024),
    })
    expect(response.status).toBe(413)
  })

  it('serves htmx and the stylesheet as files', async () => {
    const htmx = await t.app.request('/vendor/htmx.min.js')
    expect(htmx.status).toBe(200)
    expect(htmx.headers.get('content-type')).toContain('javascript')
    expect((await t.app.request('/public/app.css')).status).toBe(200)
    expect((await t.app.request('/public/../package.json')).status).toBe(404)
  })

  it('logs an admin in and shows the users page', async () => {
    const ws = await seedWorkspace(t.deps, 'Smoke')
    const session = new ConsoleSession(t.app)
    expect((await session.login(ws.users.admin.email)).status).toBe(303)
    const page = await session.get('/users')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(ws.users.sales.email)
  })
})
