import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './env.js'
import { isHtmx } from './forms.js'

// A user with a temporary password may only replace it, or leave.
const OPEN_WHILE_TEMPORARY = new Set(['/account', '/account/password', '/logout'])

/**
 * Sends a user whose password someone else set to /account until they choose their own: the
 * temporary one was seen by an admin (or typed into a terminal), so it must not stay in use.
 */
export const passwordChangeGate = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.var.principal?.mustChangePassword || OPEN_WHILE_TEMPORARY.has(c.req.path)) {
    await next()
    return
  }
  // htmx would swap the account page into a fragment; tell it to navigate instead.
  if (isHtmx(c)) {
    c.header('HX-Redirect', '/account')
    return c.body(null, 204)
  }
  return c.redirect('/account', 303)
})
