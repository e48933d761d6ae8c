import { Hono } from 'hono'
import type { AppEnv } from './env.js'
import { publicRoute } from './roles.js'
import { AppError } from '../errors.js'

/** Liveness and readiness for load balancers, Docker and operators. */
export const healthRoutes = new Hono<AppEnv>()
  .get('/healthz', publicRoute(), (c) => c.json({ status: 'ok' }))
  .get('/readyz', publicRoute(), async (c) => {
    const ready = await c.var.deps.isReady().catch(() => false)
    if (!ready) throw new AppError('not_ready', 'The database is unreachable or not migrated')
    return c.json({ status: 'ready' })
  })
