import { hkdfSync } from 'node:crypto'
import { SignJWT, jwtVerify } from 'jose'
import { getCookie, setCookie, deleteCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { Context } from 'hono'
import type { AppEnv } from './env.js'
import { isSecureRequest } from './client-info.js'
import { loadActiveSession } from '../auth/sessions.js'

const COOKIE = 'parley_session'

/** Derives a purpose-bound key from SESSION_SECRET so sessions and CSRF never share one. */
export function deriveKey(secret: string, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, '', `parley/${purpose}`, 32))
}

interface SessionClaims {
  sid: string
  wid: string
}

/** Signs the cookie value: only the session id and workspace id, valid until the absolute expiry. */
export async function signSessionToken(secret: string, claims: SessionClaims, expiresAt: Date) {
  return new SignJWT({ wid: claims.wid })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sid)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(deriveKey(secret, 'session'))
}

async function readSessionToken(secret: string, token: string): Promise<SessionClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, deriveKey(secret, 'session'), {
      algorithms: ['HS256'],
    })
    if (typeof payload.sub !== 'string' || typeof payload.wid !== 'string') return undefined
    return { sid: payload.sub, wid: payload.wid }
  } catch {
    return undefined
  }
}

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
