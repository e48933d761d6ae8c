const LONGEST_NEXT = 2048

/**
 * The page to land on after login: `next` when it is a path on this site, else undefined.
 * Only `/` followed by something other than `/` or `\` passes: `//evil.com` and `/\evil.com` are
 * other hosts to a browser, and control characters or spaces are refused because browsers drop
 * tabs and newlines from URLs (`/\t/evil.com` would become `//evil.com`).
 */
export function safeNextPath(next: string | undefined): string | undefined {
  if (!next || next.length > LONGEST_NEXT) return undefined
  if (!next.startsWith('/') || next[1] === '/' || next.includes('\\')) return undefined
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u0020\u007f]/.test(next)) return undefined
  return next
}
