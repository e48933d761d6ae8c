import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Every machine error code Parley answers with; openapi/parley-api.yaml lists the same codes. */
export const ERRORS = {
  validation_failed: { status: 422, title: 'The request is not valid' },
  malformed_payload: { status: 400, title: 'The request body is not valid JSON' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  bad_signature: { status: 401, title: 'Webhook signature does not match' },
  forbidden: { status: 403, title: 'Your role does not allow this' },
  csrf_failed: { status: 403, title: 'The form expired or did not come from Parley' },
  verification_failed: {
    status: 403,
    title: 'Webhook verification failed: the mode or verify token does not match',
  },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'This method is not allowed on this path' },
  // Emails are unique across workspaces: saying "exists" would tell one tenant who uses another.
  email_taken: { status: 409, title: 'This email address cannot be used' },
  already_set_up: { status: 409, title: 'Parley is already set up' },
  last_owner: { status: 409, title: 'A workspace must keep at least one active owner' },
  contact_opted_out: { status: 409, title: 'The contact opted out of messages' },
  marketing_opted_out: { status: 409, title: 'The contact stopped marketing messages' },
  outside_service_window: {
    status: 422,
    title: 'The 24-hour customer service window is closed: send a template',
  },
  template_not_found: {
    status: 422,
    title: 'This workspace has no template of that name and language',
  },
  template_not_approved: { status: 422, title: 'Meta has not approved this template' },
  idempotency_key_reused: {
    status: 422,
    title: 'This Idempotency-Key was already used for a different request',
  },
  whatsapp_not_connected: {
    status: 409,
    title: 'No WhatsApp Business Account is connected to this workspace',
  },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  rate_limited: { status: 429, title: 'Too many attempts' },
  internal: { status: 500, title: 'Something went wrong' },
  whatsapp_unavailable: { status: 502, title: "Meta's WhatsApp API did not answer as expected" },
  not_ready: { status: 503, title: 'Parley is not ready' },
  busy: { status: 503, title: 'Parley is busy with this record: try again' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>

export type ErrorCode = keyof typeof ERRORS

/** An expected failure with a catalogued code; `detail` is safe to show to the caller. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail ?? ERRORS[code].title)
    this.name = 'AppError'
  }
}

/** The RFC 9457 problem body for an error code. */
export function problemBody(code: ErrorCode, detail?: string, extra?: Record<string, unknown>) {
  const { status, title } = ERRORS[code]
  return { type: `/problems/${code}`, title, status, code, ...(detail ? { detail } : {}), ...extra }
}

/** True for an AppError of this code (a form shows validation errors instead of failing). */
export function isAppError(error: unknown, code: ErrorCode): error is AppError {
  return error instanceof AppError && error.code === code
}
