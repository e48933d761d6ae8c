import { createMiddleware } from 'hono/factory'
import type { Context, MiddlewareHandler } from 'hono'
import { AppError } from '../errors.js'
import { ROLES, type Role } from '../db/schema.js'
import type { AppEnv, Principal } from './env.js'

/** Marks the middleware that declares who may call a route; the route-table test looks for it. */
export const ACCESS_DECLARATION = Symbol('parley.access')

type Declared = MiddlewareHandler<AppEnv> & { [ACCESS_DECLARATION]: string }

function declare(handler: MiddlewareHandler<AppEnv>, access: string): Declared {
  return Object.assign(handler, { [ACCESS_DECLARATION]: access })
}

/** True when `role` is `minimum` or above it (owner > admin > manager > sales). */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(minimum)
}

/**
 * Lets the request through when the principal's role is at least `minimum`;
 * no principal → `unauthorized` (the console turns it into a login redirect), lower role → `forbidden`.
 */
export function requireRole(minimum: Role): Declared {
  return declare(
    createMiddleware<AppEnv>(async (c, next) => {
      const principal = c.var.principal
      if (!principal) throw new AppError('unauthorized')
      if (!roleAtLeast(principal.role, minimum)) throw new AppError('forbidden')
      await next()
    }),
    `role:${minimum}`,
  )
}

/** The request's principal; behind requireRole() it is always there, elsewhere absence is 401. */
export function currentPrincipal(c: Context<AppEnv>): Principal {
  const principal = c.var.principal
  if (!principal) throw new AppError('unauthorized')
  return principal
}

/** Declares a route open to anyone (health checks, login, Meta's webhooks). */
export function publicRoute(): Declared {
  return declare(
    createMiddleware<AppEnv>(async (_c, next) => {
      await next()
    }),
    'public',
  )
}

/** The access a handler declares, if it is one of ours. */
export function declaredAccess(handler: unknown): string | undefined {
  if (typeof handler !== 'function') return undefined
  return (handler as Partial<Declared>)[ACCESS_DECLARATION]
}
