import { Hono } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { AppError } from '../errors.js'
import { findWorkspace } from './workspaces.repo.js'

/** JSON API: the workspace the API key belongs to. */
export const workspaceApi = new Hono<AppEnv>().get(
  '/workspace',
  requireRole('sales'),
  async (c) => {
    const principal = currentPrincipal(c)
    const workspace = await c.var.tenant((tx) => findWorkspace(tx, principal.workspaceId))
    if (!workspace) throw new AppError('not_found')
    return c.json({
      id: workspace.id,
      name: workspace.name,
      timezone: workspace.settings.timezone,
      whatsapp: { phoneNumberId: workspace.phoneNumberId, wabaId: workspace.wabaId },
      createdAt: workspace.createdAt.toISOString(),
    })
  },
)
