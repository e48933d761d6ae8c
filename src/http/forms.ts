import type { Context } from 'hono'
import type { AppEnv } from './env.js'

/** The submitted form's text fields (files and repeated fields are not used by the console). */
export async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody()
  const fields: Record<string, string> = {}
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') fields[name] = value
  }
  return fields
}

/** True for requests htmx made (they want a fragment, not a page). */
export function isHtmx(c: Context<AppEnv>): boolean {
  return c.req.header('hx-request') === 'true'
}

/**
 * A link to `path` with these query parameters; blank ones stay out, so a shared link shows only
 * the filters that are set.
 */
export function hrefWith(path: string, params: Record<string, string>): string {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== ''))
  return query.size === 0 ? path : `${path}?${query.toString()}`
}
