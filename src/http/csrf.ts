import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { getCookie, setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import { AppError } from '../errors.js'
import type { AppEnv } from './env.js'
import { deriveKey } from './session.js'
import { isSecureRequest } from './client-info.js'

const COOKIE = 'parley_csrf'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

// Signed double submit: the token is an HMAC of a random cookie, so a cookie planted by a
// sibling domain is useless without the server's key. Works before login (login and setup forms).
function tokenFor(secret: string, seed: string): string {
  return createHmac('sha256', deriveKey(secret, 'csrf')).update(seed).digest('base64url')
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

async function submittedToken(
  c: Parameters<typeof csrfProtection>[0],
): Promise<string | undefined> {
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
  let seed = getCookie(c, COOKIE)
  if (!seed) {
    seed = randomBytes(32).toString('base64url')
    setCookie(c, COOKIE, seed, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: isSecureRequest(c),
      path: '/',
    })
  }
  const expected = tokenFor(secret, seed)
  c.set('csrfToken', expected)
  if (!SAFE_METHODS.has(c.req.method)) {
    const submitted = await submittedToken(c)
    if (!submitted || !sameToken(submitted, expected)) throw new AppError('csrf_failed')
  }
  await next()
})
