import { createMiddleware } from 'hono/factory'
import type { AppDeps, AppEnv } from './env.js'
import { withTenant } from '../db/tenant.js'
import { currentPrincipal } from './roles.js'
import { navFor } from '../console/nav.js'

/** Puts the dependencies, the tenant runner and the renderer on every request's context. */
export function requestServices(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('deps', deps)
    c.set('principal', undefined)
    c.set('csrfToken', '')
    c.set('tenant', (work) => {
      return withTenant(deps.db, currentPrincipal(c).workspaceId, work)
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
