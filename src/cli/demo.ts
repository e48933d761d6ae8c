import { randomBytes } from 'node:crypto'
import { withSystem, withTenant } from '../db/tenant.js'
import { createWorkspace } from '../workspaces/create-workspace.js'
import { createUser } from '../users/create-user.js'
import { ROLES } from '../db/schema.js'
import type { CommandDeps } from './commands.js'
import { loadDemoConversations } from './demo-conversations.js'

/** `demo`: a new demo workspace with one user per role and some conversations; prints the logins. */
export async function loadDemo(deps: CommandDeps) {
  // A fresh tag per run: demos never collide with each other or with real users.
  const tag = randomBytes(3).toString('hex')
  const workspaceId = await withSystem(deps.db, (tx) =>
    createWorkspace(tx, deps, { name: `Demo workspace ${tag}` }),
  )
  const logins = []
  for (const role of ROLES) {
    const login = {
      role,
      email: `${role}.${tag}@demo.parley.invalid`,
      password: randomBytes(9).toString('base64url'),
    }
    await withTenant(deps.db, workspaceId, (tx) =>
      createUser(tx, deps, { ...login, name: `Demo ${role}`, workspaceId }),
    )
    logins.push(login)
  }
  const contacts = await withTenant(deps.db, workspaceId, (tx) =>
    loadDemoConversations(tx, { workspaceId, cipher: deps.cipher, now: deps.now() }),
  )
  return { workspaceId, logins, contacts }
}
