import { Hono } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { loadUserDirectory } from './list-users.js'

/** JSON API over the workspace's users. */
export const usersApi = new Hono<AppEnv>().get('/users', requireRole('admin'), async (c) => {
  const viewer = currentPrincipal(c)
  const users = await c.var.tenant((tx) => loadUserDirectory(tx, c.var.deps.cipher, viewer))
  return c.json({
    data: users.map(({ isSelf, manageable, ...user }) => user),
  })
})
