import { createMiddleware } from 'hono/factory'
import { AppError } from '../errors.js'
import type { AppEnv } from './env.js'
import { authenticateApiKey } from '../auth/api-keys.js'

/** Resolves `Authorization: Bearer <api key>` to a principal; a key that is present but unknown is 401. */
export const apiKeyAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization')
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    const principal = match?.[1] ? await authenticateApiKey(c.var.deps, match[1]) : undefined
    if (!principal) throw new AppError('unauthorized', 'The API key is missing, revoked or unknown')
    c.set('principal', principal)
  }
  await next()
})
