import { randomUUID } from 'node:crypto'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './env.js'

const SAFE_REQUEST_ID = /^[\w.-]{8,64}$/

/** Gives each request an id (echoed in X-Request-Id), a child logger, and an access log line. */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('x-request-id')
  const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID()
  const log = c.var.deps.log.child({ requestId })
  c.set('requestId', requestId)
  c.set('log', log)
  const started = performance.now()
  await next()
  c.header('X-Request-Id', requestId)
  // Only the path: query strings can carry tokens (hub.verify_token) and search terms.
  log.info(
    {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    },
    'request',
  )
})
