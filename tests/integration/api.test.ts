import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { and, eq } from 'drizzle-orm'
import { withSystem } from '../../src/db/tenant.js'
import { apiKeys } from '../../src/db/schema.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>
let other: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Api')
  other = await seedWorkspace(t.deps, 'Elsewhere')
})
afterAll(() => t.close())

const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

async function problem(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  return (await response.json()) as { code: string; status: number; title: string; type: string }
}

describe('JSON API authentication and roles', () => {
  it('answers a missing key with 401 unauthorized as problem+json', async () => {
    const response = await t.app.request('/api/v1/workspace')
    expect(response.status).toBe(401)
    expect(await problem(response)).toMatchObject({
      code: 'unauthorized',
      status: 401,
      type: '/problems/unauthorized',
    })
  })

  it('answers an unknown key with 401 unauthorized', async () => {
    const response = await t.app.request('/api/v1/workspace', {
      headers: bearer('pk_not-a-real-key'),
    })
    expect(response.status).toBe(401)
    expect((await problem(response)).code).toBe('unauthorized')
  })

  it('answers a valid key with too low a role with 403 forbidden', async () => {
    const response = await t.app.request('/api/v1/users', { headers: bearer(ws.keys.sales) })
    expect(response.status).toBe(403)
    expect((await problem(response)).code).toBe('forbidden')
  })

  it("scopes a key to its own workspace's data", async () => {
    const response = await t.app.request('/api/v1/users', { headers: bearer(ws.keys.admin) })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { data: { email: string }[] }
    const emails = body.data.map((u) => u.email)
    expect(emails).toContain(ws.users.owner.email)
    expect(emails).not.toContain(other.users.owner.email)
    const workspace = (await (
      await t.app.request('/api/v1/workspace', { headers: bearer(other.keys.sales) })
    ).json()) as {
      id: string
    }
    expect(workspace.id).toBe(other.workspaceId)
  })

  it('notes when a key was used, at most once a minute', async () => {
    const lastUsed = async () => {
      const [row] = await withSystem(t.deps.db, (tx) =>
        tx
          .select({ at: apiKeys.lastUsedAt })
          .from(apiKeys)
          .where(and(eq(apiKeys.workspaceId, other.workspaceId), eq(apiKeys.role, 'manager'))),
      )
      return row?.at?.getTime()
    }
    const call = () => t.app.request('/api/v1/workspace', { headers: bearer(other.keys.manager) })
    const before = t.clock.now().getTime()
    await call()
    const first = (await lastUsed()) ?? 0
    expect(first).toBeGreaterThanOrEqual(before)
    expect(first).toBeLessThanOrEqual(t.clock.now().getTime())
    t.clock.advance(30_000)
    await call()
    expect(await lastUsed()).toBe(first)
    t.clock.advance(31_000)
    await call()
    expect(await lastUsed()).toBeGreaterThanOrEqual(first + 61_000)
  })

  it('never lets a session cookie stand in for an API key', async () => {
    const response = await t.app.request('/api/v1/workspace', {
      headers: { cookie: 'parley_session=abc' },
    })
    expect(response.status).toBe(401)
  })
})

describe('errors and limits outside the console', () => {
  it('answers an unknown API path with 404 not_found', async () => {
    const response = await t.app.request('/api/v1/nothing-here', { headers: bearer(ws.keys.owner) })
    expect(response.status).toBe(404)
    expect((await problem(response)).code).toBe('not_found')
  })

  it('refuses a body over 1 MB with 413 payload_too_large', async () => {
    // A POST route: a GET-only path answers 405 before the body is read.
    const response = await t.app.request(`/api/v1/contacts/${randomUUID()}/opt-out`, {
      method: 'POST',
      headers: { ...bearer(ws.keys.owner), 'content-type': 'application/json' },
      body: JSON.stringify({ filler: 'x'.repeat(1024 * 1024 + 10) }),
    })
    expect(response.status).toBe(413)
    expect((await problem(response)).code).toBe('payload_too_large')
  })

  it('puts the security headers on API answers too', async () => {
    const response = await t.app.request('/api/v1/workspace', { headers: bearer(ws.keys.sales) })
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('x-request-id')).toBeTruthy()
  })
})
