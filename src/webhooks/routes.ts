import { Hono } from 'hono'
import { timingSafeEqual } from 'node:crypto'
import type { AppEnv } from '../http/env.js'
import { publicRoute } from '../http/roles.js'
import { AppError } from '../errors.js'
import { isValidSignature } from '../whatsapp/signature.js'
import type { WebhookIngest } from './ingest.js'
import { withoutNul } from './clean-payload.js'

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (!expected || given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function parseJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(strictUtf8.decode(rawBody))
  } catch {
    throw new AppError('malformed_payload', 'The signed body is not UTF-8 JSON')
  }
}

/**
 * Meta's webhook: the only door Meta traffic comes in by. The POST answers 200 only after the
 * event is committed; processing happens later, in jobs (see process.ts).
 */
export function webhookRoutes(ingest: WebhookIngest) {
  return new Hono<AppEnv>()
    .get('/webhooks/whatsapp', publicRoute(), (c) => {
      // The handshake carries no signature (there is no body): it is checked by the verify token.
      const { verifyToken } = c.var.deps.whatsapp
      const challenge = c.req.query('hub.challenge')
      if (
        c.req.query('hub.mode') !== 'subscribe' ||
        challenge === undefined ||
        !sameSecret(c.req.query('hub.verify_token'), verifyToken)
      ) {
        throw new AppError('verification_failed')
      }
      return c.text(challenge)
    })
    .post('/webhooks/whatsapp', publicRoute(), async (c) => {
      // Verify the exact bytes received; re-serialised JSON does not match Meta's signature.
      const rawBody = Buffer.from(await c.req.arrayBuffer())
      const signature = c.req.header('x-hub-signature-256')
      if (!isValidSignature(rawBody, signature, c.var.deps.whatsapp.appSecret)) {
        throw new AppError('bad_signature')
      }
      // The payload only routes and redacts; NULs go before either can reach a write.
      await ingest.store(rawBody, withoutNul(parseJson(rawBody)))
      return c.body(null, 200)
    })
}
