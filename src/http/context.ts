import { createMiddleware } from 'hono/factory'
import type { AppDeps, AppEnv } from './env.js'
import { withTenant } from '../db/tenant.js'
import { retryLockConflicts } from '../db/lock-retry.js'
import { currentPrincipal } from './roles.js'
import { navFor } from '../console/nav.js'

/** Puts the dependencies, the tenant runner and the renderer on every request's context. */
export function requestServices(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('deps', deps)
    c.set('principal', undefined)
    c.set('csrfToken', '')
    // A request's tenant work is database work only, so a deadlock victim is simply run again.
    c.set('tenant', (work) => {
      const workspaceId = currentPrincipal(c).workspaceId
      return retryLockConflicts(() => withTenant(deps.db, workspaceId, work))
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
