import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace, TEST_ACCESS_TOKEN } from '../helpers/workspace.js'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { loadServiceSecret, storeServiceSecret } from '../../src/credentials/services.js'
import { loadWhatsAppCredentials } from '../../src/credentials/whatsapp.js'

let t: TestApp
let a: Awaited<ReturnType<typeof seedWorkspace>>
let b: Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(async () => {
  t = createTestApp()
  a = await seedWorkspace(t.deps, 'Alpha')
  b = await seedWorkspace(t.deps, 'Beta')
})
afterAll(() => t.close())

const secret = { accessToken: 'ads-token-7f3a9c', accountId: 'act_1234' }

function store(workspaceId: string, value: Record<string, string>) {
  return withTenant(t.deps.db, workspaceId, (tx) =>
    storeServiceSecret(tx, t.deps.cipher, { workspaceId, service: 'meta_ads', secret: value }),
  )
}

function load(asWorkspace: string, ofWorkspace: string) {
  return withTenant(t.deps.db, asWorkspace, (tx) =>
    loadServiceSecret(tx, t.deps.cipher, { workspaceId: ofWorkspace, service: 'meta_ads' }),
  )
}

describe('service credentials', () => {
  it('gives back what was stored, and a second store replaces it', async () => {
    await store(a.workspaceId, secret)
    expect(await load(a.workspaceId, a.workspaceId)).toEqual(secret)
    await store(a.workspaceId, { ...secret, accessToken: 'ads-token-rotated' })
    expect(await load(a.workspaceId, a.workspaceId)).toEqual({
      ...secret,
      accessToken: 'ads-token-rotated',
    })
    const other = await withTenant(t.deps.db, a.workspaceId, (tx) =>
      loadServiceSecret(tx, t.deps.cipher, { workspaceId: a.workspaceId, service: 'google_ads' }),
    )
    expect(other).toBeUndefined()
  })

  it("never shows or overwrites another workspace's secret", async () => {
    await store(b.workspaceId, { accessToken: 'beta-only' })
    expect(await load(a.workspaceId, b.workspaceId)).toBeUndefined()
    // Writing under B's id from A's transaction is refused by the policy, not stored.
    await expect(
      withTenant(t.deps.db, a.workspaceId, (tx) =>
        storeServiceSecret(tx, t.deps.cipher, {
          workspaceId: b.workspaceId,
          service: 'meta_ads',
          secret: { accessToken: 'hijack' },
        }),
      ),
    ).rejects.toThrow()
    expect(await load(b.workspaceId, b.workspaceId)).toEqual({ accessToken: 'beta-only' })
  })

  it('keeps only ciphertext in the table', async () => {
    await store(a.workspaceId, secret)
    const rows = await withSystem(t.deps.db, (tx) =>
      tx.execute<{ secret_enc: string }>(
        sql`select secret_enc from service_credentials where workspace_id = ${a.workspaceId}`,
      ),
    )
    const stored = rows.rows[0]?.secret_enc ?? ''
    expect(stored).not.toContain(secret.accessToken)
    expect(stored).not.toContain(secret.accountId)
    expect(JSON.parse(t.deps.cipher.decrypt(stored))).toEqual(secret)
  })
})

describe('WhatsApp credentials', () => {
  it("loads the workspace's number, WABA id and decrypted token, and nothing of another", async () => {
    const own = await withTenant(t.deps.db, a.workspaceId, (tx) =>
      loadWhatsAppCredentials(tx, t.deps.cipher, a.workspaceId),
    )
    expect(own).toEqual({
      phoneNumberId: a.phoneNumberId,
      wabaId: null,
      accessToken: TEST_ACCESS_TOKEN,
    })
    const other = await withTenant(t.deps.db, a.workspaceId, (tx) =>
      loadWhatsAppCredentials(tx, t.deps.cipher, b.workspaceId),
    )
    expect(other).toBeUndefined()
  })
})
