import { getCookie, setCookie, deleteCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { Context } from 'hono'
import type { AppEnv } from './env.js'
import { isSecureRequest } from './client-info.js'
import { loadActiveSession } from '../auth/sessions.js'
import { readSessionToken } from '../auth/session-token.js'

const COOKIE = 'parley_session'

/** Sets the HttpOnly session cookie (Secure over TLS). */
export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date) {
  setCookie(c, COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecureRequest(c),
    path: '/',
    expires: expiresAt,
  })
}

/** Removes the session cookie. */
export function clearSessionCookie(c: Context<AppEnv>) {
  deleteCookie(c, COOKIE, { path: '/' })
}

/** Resolves the console user from the session cookie; an invalid or expired one is ignored. */
export const sessionLoader = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, COOKIE)
  const claims = token ? await readSessionToken(c.var.deps.sessionSecret, token) : undefined
  if (claims) {
    const principal = await loadActiveSession(c.var.deps, claims.wid, claims.sid)
    if (principal) c.set('principal', principal)
    else clearSessionCookie(c)
  }
  await next()
})
