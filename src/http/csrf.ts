import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { getCookie, setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { Context } from 'hono'
import { AppError } from '../errors.js'
import type { AppEnv } from './env.js'
import { deriveKey } from '../crypto/derive-key.js'
import { isSecureRequest } from './client-info.js'

const COOKIE = 'parley_csrf'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

// Signed double submit bound to the session: the token is an HMAC of a random cookie and the
// session id, so a cookie planted by a sibling domain is useless without the server's key, and
// a pre-session token (which an attacker can get for their own cookie) does not work once a
// session exists. Before login the session part is empty: login and setup forms still work.
function tokenFor(secret: string, seed: string, sessionId: string | undefined): string {
  return createHmac('sha256', deriveKey(secret, 'csrf'))
    .update(`${sessionId ?? ''}.${seed}`)
    .digest('base64url')
}

function newSeed(c: Context<AppEnv>): string {
  const seed = randomBytes(32).toString('base64url')
  setCookie(c, COOKIE, seed, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: isSecureRequest(c),
    path: '/',
  })
  return seed
}

/** Starts a fresh CSRF cookie; called when a session starts, so no earlier cookie carries over. */
export function rotateCsrfSeed(c: Context<AppEnv>) {
  newSeed(c)
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

async function submittedToken(c: Context<AppEnv>): Promise<string | undefined> {
  const header = c.req.header('x-csrf-token')
  if (header) return header
  const type = c.req.header('content-type') ?? ''
  if (
    !type.startsWith('application/x-www-form-urlencoded') &&
    !type.startsWith('multipart/form-data')
  ) {
    return undefined
  }
  const form = await c.req.parseBody()
  const field = form._csrf
  return typeof field === 'string' ? field : undefined
}

/** Issues the CSRF token for templates and refuses state-changing requests without it (403). */
export const csrfProtection = createMiddleware<AppEnv>(async (c, next) => {
  const secret = c.var.deps.sessionSecret
  const seed = getCookie(c, COOKIE) ?? newSeed(c)
  const expected = tokenFor(secret, seed, c.var.principal?.sessionId)
  c.set('csrfToken', expected)
  if (!SAFE_METHODS.has(c.req.method)) {
    const submitted = await submittedToken(c)
    if (!submitted || !sameToken(submitted, expected)) throw new AppError('csrf_failed')
  }
  await next()
})
