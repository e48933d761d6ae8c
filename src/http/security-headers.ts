import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './env.js'
import { isSecureRequest } from './client-info.js'

// No inline script or style anywhere: every script and stylesheet is a file under /public or /vendor.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** The stylesheet, scripts and vendored htmx: the only answers without personal data. */
export function isStaticPath(path: string): boolean {
  return path.startsWith('/public/') || path.startsWith('/vendor/')
}

/**
 * Security headers on every response; HSTS only when the request came over TLS. Pages and API
 * answers carry names, numbers and messages: no-store keeps them out of shared and back-button
 * caches unless the route chose its own caching (media).
 */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next()
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  c.header('X-Frame-Options', 'DENY')
  c.header('X-Content-Type-Options', 'nosniff')
  c.header('Referrer-Policy', 'same-origin')
  c.header('Cross-Origin-Opener-Policy', 'same-origin')
  c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
  if (!isStaticPath(c.req.path) && !c.res.headers.has('Cache-Control')) {
    c.header('Cache-Control', 'no-store')
  }
  if (isSecureRequest(c)) {
    c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
  }
})
