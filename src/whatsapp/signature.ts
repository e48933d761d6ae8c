import { createHmac, timingSafeEqual } from 'node:crypto'

const PREFIX = 'sha256='
const HEX_DIGEST = /^[0-9a-f]{64}$/

/**
 * Checks Meta's `X-Hub-Signature-256` header: HMAC-SHA256 of the exact bytes received, keyed
 * with the app secret. Fails closed: no secret, no header or a malformed header is a mismatch.
 */
export function isValidSignature(
  rawBody: Uint8Array,
  header: string | undefined,
  appSecret: string | undefined,
): boolean {
  if (!appSecret || header === undefined || !header.startsWith(PREFIX)) return false
  const received = header.slice(PREFIX.length).toLowerCase()
  if (!HEX_DIGEST.test(received)) return false
  const expected = createHmac('sha256', appSecret).update(rawBody).digest()
  return timingSafeEqual(expected, Buffer.from(received, 'hex'))
}

/** The header value Meta would send for this body; used by tests, benches and the demo. */
export function signBody(rawBody: string | Uint8Array, appSecret: string): string {
  return PREFIX + createHmac('sha256', appSecret).update(rawBody).digest('hex')
}
