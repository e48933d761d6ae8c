import { randomBytes } from 'node:crypto'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { createWorkspace } from '../../src/workspaces/create-workspace.js'
import { createUser } from '../../src/users/create-user.js'
import { createApiKey } from '../../src/auth/api-keys.js'
import { ROLES, type Role } from '../../src/db/schema.js'
import type { AppDeps } from '../../src/http/env.js'

/** The password every seeded test user has. */
export const TEST_PASSWORD = 'correct horse battery'

/** The access token every seeded workspace stores for Meta's Graph API. */
export const TEST_ACCESS_TOKEN = 'test-access-token'

/**
 * A workspace connected to its own business number (a random phone_number_id), with one user
 * and one API key per role, all uniquely named for this test.
 */
export async function seedWorkspace(deps: Pick<AppDeps, 'db' | 'cipher'>, label = 'Test') {
  const tag = randomBytes(4).toString('hex')
  const phoneNumberId = `7${String(randomBytes(6).readUIntBE(0, 6)).padStart(14, '0')}`
  const workspaceId = await withSystem(deps.db, (tx) =>
    createWorkspace(tx, deps, {
      name: `${label} ${tag}`,
      phoneNumberId,
      accessToken: TEST_ACCESS_TOKEN,
    }),
  )
  const users = {} as Record<Role, { id: string; email: string }>
  const keys = {} as Record<Role, string>
  for (const role of ROLES) {
    const email = `${role}.${tag}@example.test`
    const id = await withTenant(deps.db, workspaceId, (tx) =>
      createUser(tx, deps, {
        workspaceId,
        email,
        name: `${label} ${role}`,
        password: TEST_PASSWORD,
        role,
      }),
    )
    users[role] = { id, email }
    keys[role] = (await createApiKey(deps, { workspaceId, role, name: `${role} key` })).key
  }
  return { workspaceId, phoneNumberId, users, keys, tag }
}
