import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { signedIn } from '../helpers/console-session.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'HTTP details')
})
afterAll(() => t.close())

const ID = '00000000-0000-4000-8000-000000000000'

describe('a known path asked with another method', () => {
  it.each([
    ['PUT', '/healthz', 'GET'],
    ['DELETE', `/api/v1/contacts/${ID}`, 'GET'],
    ['PATCH', '/api/v1/contacts', 'GET'],
    ['GET', `/api/v1/contacts/${ID}/opt-out`, 'POST'],
    ['DELETE', '/webhooks/whatsapp', 'GET, POST'],
  ])('answers %s %s with 405 method_not_allowed and Allow: %s', async (method, path, allow) => {
    const response = await t.app.request(path, {
      method,
      headers: { authorization: `Bearer ${ws.keys.owner}` },
    })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe(allow)
    expect(await response.json()).toMatchObject({ code: 'method_not_allowed', status: 405 })
  })

  it('answers a console path with a 405 page', async () => {
    const owner = await signedIn(t.app, ws.users.owner)
    const response = await owner.request('/contacts', { method: 'DELETE' })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET')
    expect(await response.text()).toContain('not allowed')
  })

  it('answers every path of the route table asked with a method it lacks with 405', async () => {
    const methods = new Map<string, Set<string>>()
    for (const route of t.app.routes) {
      if (route.method === 'ALL') continue
      const path = route.path.replace(/:[^/]+/g, ID).replace(/\*$/, 'app.css')
      methods.set(path, (methods.get(path) ?? new Set()).add(route.method))
    }
    const wrong: string[] = []
    for (const [path, allowed] of methods) {
      const method = ['PATCH', 'PUT', 'DELETE'].find((m) => !allowed.has(m)) ?? 'OPTIONS'
      const response = await t.app.request(path, { method })
      if (response.status !== 405) wrong.push(`${method} ${path}: ${String(response.status)}`)
    }
    expect(methods.size).toBeGreaterThan(40)
    expect(wrong).toEqual([])
  })

  it('still answers an unknown path with 404', async () => {
    const response = await t.app.request('/api/v1/nothing-here', { method: 'DELETE' })
    expect(response.status).toBe(404)
    expect(response.headers.get('allow')).toBeNull()
  })
})

describe('caching of personal data', () => {
  it('sends Cache-Control: no-store on console pages and API answers, not on static files', async () => {
    const owner = await signedIn(t.app, ws.users.owner)
    expect((await owner.get('/contacts')).headers.get('cache-control')).toBe('no-store')
    expect((await owner.get('/login')).headers.get('cache-control')).toBe('no-store')
    const api = await t.app.request('/api/v1/contacts', {
      headers: { authorization: `Bearer ${ws.keys.owner}` },
    })
    expect(api.headers.get('cache-control')).toBe('no-store')
    const refused = await t.app.request('/api/v1/contacts')
    expect(refused.headers.get('cache-control')).toBe('no-store')
    const css = await t.app.request('/public/app.css')
    expect(css.status).toBe(200)
    expect(css.headers.get('cache-control')).not.toBe('no-store')
  })
})

describe('the favicon', () => {
  it('is linked from every page and served as an SVG with the static files', async () => {
    const html = await (await t.app.request('/login')).text()
    expect(html).toContain('<link rel="icon" href="/public/favicon.svg" type="image/svg+xml">')
    const icon = await t.app.request('/public/favicon.svg')
    expect(icon.status).toBe(200)
    expect(icon.headers.get('content-type')).toContain('image/svg+xml')
    expect(await icon.text()).toContain('<svg')
  })
})
