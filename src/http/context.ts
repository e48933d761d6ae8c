import { createMiddleware } from 'hono/factory'
import type { AppDeps, AppEnv } from './env.js'
import { withTenant } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { navFor } from '../console/nav.js'

/** Puts the dependencies, the tenant runner and the renderer on every request's context. */
export function requestServices(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('deps', deps)
    c.set('principal', undefined)
    c.set('csrfToken', '')
    c.set('tenant', (work) => {
      const principal = c.var.principal
      if (!principal) throw new AppError('unauthorized')
      return withTenant(deps.db, principal.workspaceId, work)
    })
    c.set('render', (template, data = {}, options = {}) => {
      const principal = c.var.principal
      return deps.views.render(template, {
        ...data,
        fragment: options.fragment === true,
        csrfToken: c.var.csrfToken,
        user: principal,
        nav: principal ? navFor(principal.role, c.req.path) : [],
      })
    })
    await next()
  })
}
