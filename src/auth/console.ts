import { Hono } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, publicRoute, requireRole } from '../http/roles.js'
import { formFields } from '../http/forms.js'
import { clientIp } from '../http/client-info.js'
import { clearSessionCookie, setSessionCookie } from '../http/session.js'
import { rotateCsrfSeed } from '../http/csrf.js'
import { AppError, ERRORS } from '../errors.js'
import { authenticate } from './login.js'
import { endSession, startSession } from './sessions.js'
import { needsSetup, setUpFirstWorkspace } from './setup.js'
import { safeNextPath } from './next-path.js'

/** Login, logout and first-run setup pages. */
export const authConsole = new Hono<AppEnv>()
  .get('/login', publicRoute(), async (c) => {
    if (await needsSetup(c.var.deps)) return c.redirect('/setup', 303)
    const next = safeNextPath(c.req.query('next'))
    if (c.var.principal) return c.redirect(next ?? '/', 303)
    return c.html(c.var.render('auth/login', { email: '', next }))
  })
  .post('/login', publicRoute(), async (c) => {
    const { email = '', password = '', next: asked } = await formFields(c)
    const next = safeNextPath(asked)
    try {
      const user = await authenticate(c.var.deps, { email, password, ip: clientIp(c) })
      const session = await startSession(c.var.deps, user)
      setSessionCookie(c, session.token, session.expiresAt)
      rotateCsrfSeed(c)
      // A temporary password is replaced first; every other page would send them there anyway.
      return c.redirect(user.mustChangePassword ? '/account' : (next ?? '/'), 303)
    } catch (error) {
      if (!(error instanceof AppError) || !['unauthorized', 'rate_limited'].includes(error.code))
        throw error
      const retryAfter = error.extra?.retryAfter
      if (typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter))
      const page = c.var.render('auth/login', { email, next, error: error.detail })
      return c.html(page, ERRORS[error.code].status)
    }
  })
  .get('/logout', requireRole('sales'), (c) => c.html(c.var.render('auth/logout')))
  .post('/logout', requireRole('sales'), async (c) => {
    await endSession(c.var.deps, currentPrincipal(c))
    clearSessionCookie(c)
    return c.redirect('/login', 303)
  })
  .get('/setup', publicRoute(), async (c) => {
    if (!(await needsSetup(c.var.deps))) return c.redirect('/login', 303)
    return c.html(c.var.render('auth/setup', { values: {}, fields: {} }))
  })
  .post('/setup', publicRoute(), async (c) => {
    const values = await formFields(c)
    try {
      const input = {
        workspaceName: values.workspaceName ?? '',
        name: values.name ?? '',
        email: values.email ?? '',
        password: values.password ?? '',
        timeZone: values.timezone ?? '',
      }
      const { workspaceId, userId } = await setUpFirstWorkspace(c.var.deps, input)
      const session = await startSession(c.var.deps, { id: userId, workspaceId })
      setSessionCookie(c, session.token, session.expiresAt)
      rotateCsrfSeed(c)
      return c.redirect('/', 303)
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'internal') throw error
      if (error.code === 'already_set_up') return c.redirect('/login', 303)
      const fields = error.extra?.fields
      const page = fields
        ? c.var.render('auth/setup', { values, fields })
        : c.var.render('auth/setup', { values, fields: {}, error: error.detail ?? error.message })
      return c.html(page, ERRORS[error.code].status)
    }
  })
