import { createMiddleware } from 'hono/factory'
import { AppError } from '../errors.js'
import type { AppEnv } from './env.js'

/**
 * Refuses a NUL (U+0000) in any query parameter's name or value with 422 validation_failed, for
 * every route at once: PostgreSQL refuses NUL in text, so a search term carrying one would
 * otherwise fail its query with a 500.
 */
export const refuseNulInQuery = createMiddleware<AppEnv>(async (c, next) => {
  const query = new URL(c.req.url).searchParams
  for (const [name, value] of query) {
    if (name.includes('\u0000') || value.includes('\u0000')) {
      throw new AppError('validation_failed', 'A search or filter contains a NUL character.')
    }
  }
  await next()
})
