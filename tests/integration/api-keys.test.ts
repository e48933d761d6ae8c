import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { signedIn } from '../helpers/console-session.js'
import { createApiKey } from '../../src/auth/api-keys.js'
import { withTenant } from '../../src/db/tenant.js'
import { auditEntries } from '../../src/db/schema.js'

let t: TestApp
let ws: Awaited<ReturnType<typeof seedWorkspace>>
let other: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Keys')
  other = await seedWorkspace(t.deps, 'Others')
})
afterAll(() => t.close())

const callApi = (key: string) =>
  t.app.request('/api/v1/workspace', { headers: { authorization: `Bearer ${key}` } })

function auditOf(action: string) {
  return withTenant(t.deps.db, ws.workspaceId, (tx) =>
    tx
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.workspaceId, ws.workspaceId), eq(auditEntries.action, action))),
  )
}

describe('Settings › API keys', () => {
  it('lists name, role, creation and last use, never the key', async () => {
    const { id, key } = await createApiKey(t.deps, {
      workspaceId: ws.workspaceId,
      role: 'manager',
      name: 'Zapier bridge',
    })
    expect((await callApi(key)).status).toBe(200)
    const html = await (await (await signedIn(t.app, ws.users.admin)).get('/settings')).text()
    expect(html).toContain('Zapier bridge')
    expect(html).toContain(`action="/settings/api-keys/${id}/revocation"`)
    expect(html).not.toContain(key)
    expect(html).not.toContain(key.slice(3, 13))
    const row = /<tr>\s*<td data-label="Name">Zapier bridge<\/td>([\s\S]*?)<\/tr>/.exec(html)?.[1]
    expect(row).toContain('<td data-label="Role">manager</td>')
    expect(row).not.toContain('never')
  })

  it('revokes a key: audited, and the next request with it gets 401', async () => {
    const { id, key } = await createApiKey(t.deps, {
      workspaceId: ws.workspaceId,
      role: 'admin',
      name: 'Old script',
    })
    expect((await callApi(key)).status).toBe(200)
    const owner = await signedIn(t.app, ws.users.owner)
    const response = await owner.post(`/settings/api-keys/${id}/revocation`, {}, { htmx: true })
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('API key &quot;Old script&quot; revoked')
    expect(html).not.toContain(`/settings/api-keys/${id}/revocation`)
    expect((await callApi(key)).status).toBe(401)
    const [entry] = await auditOf('apikey.revoke')
    expect(entry).toMatchObject({ recordId: id, actorId: ws.users.owner.id })
  })

  it('refuses sales and managers, another workspace, an unknown id and a missing CSRF token', async () => {
    const mine = await createApiKey(t.deps, {
      workspaceId: ws.workspaceId,
      role: 'sales',
      name: 'Kept',
    })
    const theirs = await createApiKey(t.deps, {
      workspaceId: other.workspaceId,
      role: 'sales',
      name: 'Theirs',
    })
    const path = (id: string) => `/settings/api-keys/${id}/revocation`
    const admin = await signedIn(t.app, ws.users.admin)
    expect((await (await signedIn(t.app, ws.users.sales)).post(path(mine.id), {})).status).toBe(403)
    expect((await (await signedIn(t.app, ws.users.manager)).post(path(mine.id), {})).status).toBe(
      403,
    )
    const elsewhere = await admin.post(path(theirs.id), {})
    expect(elsewhere.status).toBe(404)
    expect(await elsewhere.text()).toContain('No API key with id')
    expect((await admin.post(path('not-a-key'), {})).status).toBe(404)
    expect((await admin.post(path(mine.id), {}, { csrf: false })).status).toBe(403)
    expect((await callApi(mine.key)).status).toBe(200)
    expect((await callApi(theirs.key)).status).toBe(200)
  })
})
