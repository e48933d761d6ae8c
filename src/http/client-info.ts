import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { AppEnv } from './env.js'

/**
 * The address the nearest of `hops` trusted proxies saw, from an X-Forwarded-For list. Each proxy
 * appends the peer it saw, so the client controls every entry left of those: the left-most one is
 * whatever the client typed. Counting `hops` from the right takes the first one a proxy wrote.
 */
export function forwardedClient(header: string | undefined, hops: number): string | undefined {
  const entries = (header ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  return entries[Math.max(0, entries.length - hops)]
}

/** The client address: from X-Forwarded-For behind a trusted proxy, else the socket peer. */
export function clientIp(c: Context<AppEnv>): string {
  if (c.var.deps.trustProxy) {
    const forwarded = forwardedClient(c.req.header('x-forwarded-for'), c.var.deps.trustProxyHops)
    if (forwarded) return forwarded
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    // app.request() in tests has no socket.
    return 'unknown'
  }
}

/** True when the client reached us over TLS (directly, or through a trusted proxy). */
export function isSecureRequest(c: Context<AppEnv>): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true
  return c.var.deps.trustProxy && c.req.header('x-forwarded-proto') === 'https'
}

/**
 * The address the client used to reach us (scheme, host and port), as a base for URLs shown to
 * people; behind a trusted proxy, the proxy's X-Forwarded-Proto and X-Forwarded-Host.
 */
export function requestOrigin(c: Context<AppEnv>): string {
  const url = new URL(c.req.url)
  if (!c.var.deps.trustProxy) return url.origin
  const proto =
    c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() ?? url.protocol.slice(0, -1)
  const host = c.req.header('x-forwarded-host')?.split(',')[0]?.trim() ?? url.host
  return `${proto}://${host}`
}
