import { createMiddleware } from 'hono/factory'
import { AppError } from '../errors.js'
import type { AppEnv } from './env.js'

/** A route as Hono lists it in `app.routes`. */
export interface RouteEntry {
  readonly method: string
  readonly path: string
}

interface CompiledRoute {
  readonly method: string
  readonly pattern: RegExp
}

// Hono's path syntax as used here: `:name` is one segment, a trailing `*` anything below.
function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((part) => {
      if (part === '*') return '.*'
      if (part.startsWith(':')) return '[^/]+'
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('/')
  return new RegExp(`^${source}/?$`)
}

/** The route table compiled once: methods only, middleware (`ALL`) left out. */
export function compileRoutes(routes: readonly RouteEntry[]): CompiledRoute[] {
  return routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => ({ method: route.method, pattern: patternOf(route.path) }))
}

/** The methods some route answers on this path, in a stable order; empty for an unknown path. */
export function allowedMethods(table: readonly CompiledRoute[], path: string): string[] {
  const methods = new Set(table.filter((route) => route.pattern.test(path)).map((r) => r.method))
  return [...methods].sort()
}

/**
 * A known path asked with another method is 405 with `Allow`, not 404 — before sessions and
 * CSRF, so the answer is the same for everyone. HEAD is GET without the body (Hono answers it).
 * `routes` is read on the first request, once every feature has been mounted.
 */
export function methodNotAllowed(routes: () => readonly RouteEntry[]) {
  let table: CompiledRoute[] | undefined
  return createMiddleware<AppEnv>(async (c, next) => {
    table ??= compileRoutes(routes())
    const allowed = allowedMethods(table, c.req.path)
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
    if (allowed.length > 0 && !allowed.includes(method)) {
      c.header('Allow', allowed.join(', '))
      throw new AppError('method_not_allowed', `Allowed here: ${allowed.join(', ')}`)
    }
    await next()
  })
}
