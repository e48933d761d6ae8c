import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../http/env.js'
import { requireRole } from '../http/roles.js'
import { contactInScope } from '../inbox/scope.js'
import { isUuid } from '../db/tenant.js'
import { AppError } from '../errors.js'
import type { SendContent } from './content.js'
import { queueAs } from './queue-as.js'
import { actingOf } from '../http/actor.js'

// Meta's limit for a text body (Cloud API, text messages).
const TEXT_LIMIT = 4096

const text = z.object({
  text: z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(TEXT_LIMIT, `must be at most ${String(TEXT_LIMIT)} characters (WhatsApp's limit)`),
  previewUrl: z.boolean().optional(),
  replyTo: z.string().min(1).max(256).optional(),
})
const template = z.object({
  template: z.object({
    name: z.string().min(1).max(512),
    language: z.string().min(2).max(15),
    components: z.array(z.record(z.string(), z.unknown())).max(20).optional(),
    // Accepted for older callers and ignored: the gate takes the synced template's category.
    category: z.enum(['marketing', 'utility', 'authentication']).optional(),
  }),
  replyTo: z.string().min(1).max(256).optional(),
})
type SendBody = z.infer<typeof text> | z.infer<typeof template>

function contentOf(body: SendBody): SendContent {
  const replyTo = body.replyTo ? { replyTo: body.replyTo } : {}
  if ('text' in body) {
    const previewUrl = body.previewUrl ? { previewUrl: true } : {}
    return { kind: 'text', text: body.text, ...previewUrl, ...replyTo }
  }
  const { name, language, components } = body.template
  const spec = { name, language, ...(components && { components }) }
  return { kind: 'template', template: spec, ...replyTo }
}

function invalid(detail: string): AppError {
  return new AppError('validation_failed', detail)
}

// "text: must not be empty": the field's path and the rule it broke, one per problem.
function issueLine(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.')
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => `${[field, key].filter(Boolean).join('.')}: not a known field`)
      .join('; ')
  }
  return `${field}: ${issue.message}`
}

/** The body of a send: exactly one of `text` and `template`, each checked field by field. */
function parseSendBody(json: unknown): SendBody {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid('The body must be a JSON object: {"text": "..."} or {"template": {...}}')
  }
  const hasText = 'text' in json
  if (hasText && 'template' in json) throw invalid('Send text or template, not both')
  if (!hasText && !('template' in json)) throw invalid('The body needs text or template')
  const parsed = (hasText ? text : template).strict().safeParse(json)
  if (!parsed.success) throw invalid(parsed.error.issues.map(issueLine).join('; '))
  return parsed.data
}

async function readSendBody(raw: Promise<unknown>): Promise<SendBody> {
  const json = await raw.catch(() => {
    throw new AppError('malformed_payload')
  })
  return parseSendBody(json)
}

/** `POST /contacts/{id}/messages`: a message through the send gate; `kick` wakes the dispatcher. */
export function sendsApi(kick: () => void) {
  return new Hono<AppEnv>().post(
    '/contacts/:id/messages',
    requireRole('sales'),
    contactInScope,
    async (c) => {
      const contactId = c.req.param('id')
      if (!isUuid(contactId)) throw new AppError('not_found')
      const body = await readSendBody(c.req.json())
      const key = c.req.header('idempotency-key')
      if (key !== undefined && (key.length === 0 || key.length > 200)) {
        throw new AppError('validation_failed', 'Idempotency-Key must be 1 to 200 characters')
      }
      const request = {
        contactId,
        content: contentOf(body),
        origin: 'api',
        idempotencyKey: key === undefined ? undefined : `api:${key}`,
      } as const
      const result = await c.var.tenant((tx) => queueAs(tx, actingOf(c), request))
      if ('refused' in result) {
        // Only a consent confirmation can be superseded, and an API send is never one.
        throw new AppError(
          result.refused === 'confirmation_superseded' ? 'internal' : result.refused,
        )
      }
      if (result.created) kick()
      return c.json({ id: result.queued.id, status: result.queued.state }, 202)
    },
  )
}
