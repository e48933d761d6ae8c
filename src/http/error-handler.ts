import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AppError, ERRORS, problemBody, type ErrorCode } from '../errors.js'
import type { AppEnv } from './env.js'
import { isConnectionLoss, isLockConflict } from '../db/sql-errors.js'

/** Paths answered with application/problem+json; everything else is the console. */
export function isMachinePath(path: string): boolean {
  return /^\/(api|webhooks)(\/|$)/.test(path) || path === '/healthz' || path === '/readyz'
}

function toAppError(err: Error): AppError {
  if (err instanceof AppError) return err
  // Hono's own body limit and parser failures arrive as HTTPExceptions.
  if (err instanceof HTTPException && err.status === 413) return new AppError('payload_too_large')
  if (err instanceof HTTPException && err.status === 400) return new AppError('malformed_payload')
  // Retried already (see context.ts): the caller may simply try again, nothing failed for good.
  if (isLockConflict(err)) return new AppError('busy')
  // The pool drops the broken connection and opens another: a retry works once the database is
  // back. What was in flight was rolled back (a send retried with its Idempotency-Key is one send).
  if (isConnectionLoss(err)) {
    return new AppError('not_ready', 'The connection to the database was lost: try again')
  }
  return new AppError('internal')
}

/** The one place errors become responses: problem+json outside the console, a page inside it. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  const error = toAppError(err)
  const { status, title } = ERRORS[error.code]
  if (error.code === 'internal') c.var.log.error({ err }, 'unhandled error')
  if (isMachinePath(c.req.path)) {
    return c.body(JSON.stringify(problemBody(error.code, error.detail, error.extra)), status, {
      'Content-Type': 'application/problem+json',
    })
  }
  if (error.code === 'unauthorized') return redirectToLogin(c)
  return c.html(renderErrorPage(c, error.code, error.detail ?? title), status)
}

function renderErrorPage(c: Context<AppEnv>, code: ErrorCode, message: string): string {
  const fragment = c.req.header('hx-request') === 'true'
  const { title, status } = ERRORS[code]
  try {
    return c.var.render(
      'errors/page',
      { title, message, code, status, requestId: c.var.requestId },
      { fragment },
    )
  } catch (error) {
    // The error page itself failed (a broken template): answer in plain words rather than loop.
    c.var.log.error({ err: error }, 'error page failed to render')
    return `<!doctype html><title>${title}</title><h1>${title}</h1>`
  }
}

function redirectToLogin(c: Context<AppEnv>): Response {
  // An HTMX request would swap the login page into a fragment; tell htmx to navigate instead.
  if (c.req.header('hx-request') === 'true') {
    c.header('HX-Redirect', '/login')
    return c.body(null, 401)
  }
  // A page someone opened (a shared link, an expired tab) is where they land after logging in;
  // the login route checks the path again before it redirects there.
  const url = new URL(c.req.url)
  const page = url.pathname + url.search
  if (c.req.method !== 'GET' || page === '/') return c.redirect('/login', 303)
  return c.redirect(`/login?${new URLSearchParams({ next: page }).toString()}`, 303)
}

/** 404 for unknown routes, in the same two shapes. */
export function handleNotFound(c: Context<AppEnv>): Response {
  return handleError(new AppError('not_found'), c)
}
