import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { contactInScope } from '../inbox/scope.js'
import { AppError } from '../errors.js'
import { MAX_REASON_LENGTH } from './manual-consent.js'
import { changeConsentAs } from './change-consent-as.js'
import { actingOf } from '../http/actor.js'
import { readConsentLog } from './consent-log.js'

const changeBody = z
  .object({
    reason: z.string().max(MAX_REASON_LENGTH).optional(),
    scope: z.enum(['messaging', 'marketing']).default('messaging'),
  })
  .strict()

// The body is optional: an empty one is {}; one that is there must be JSON.
async function optionalJson(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new AppError('malformed_payload')
  }
}

async function changeByApi(c: Context<AppEnv>, direction: 'opt_out' | 'opt_in') {
  const parsed = changeBody.safeParse(await optionalJson(c))
  if (!parsed.success) {
    throw new AppError(
      'validation_failed',
      'Send {"reason": "...", "scope": "messaging" | "marketing"}',
    )
  }
  const change = {
    contactId: c.req.param('id') ?? '',
    direction,
    scope: parsed.data.scope,
    reason: parsed.data.reason,
  }
  const consent = await c.var.tenant((tx) => changeConsentAs(tx, actingOf(c), change))
  return c.json({ consent })
}

/** Consent by API: any role may opt a contact out; opting back in and the log are for admins. */
export const consentApi = new Hono<AppEnv>()
  .post('/contacts/:id/opt-out', requireRole('sales'), contactInScope, (c) =>
    changeByApi(c, 'opt_out'),
  )
  .post('/contacts/:id/opt-in', requireRole('admin'), contactInScope, (c) =>
    changeByApi(c, 'opt_in'),
  )
  .get('/opt-outs', requireRole('admin'), async (c) => {
    const { from, to, method, limit, cursor } = c.req.query()
    const { timeZone } = currentPrincipal(c)
    const query = { from, to, method, limit, cursor, timeZone }
    const page = await c.var.tenant((tx) => readConsentLog(tx, c.var.deps.cipher, query))
    return c.json(page)
  })
