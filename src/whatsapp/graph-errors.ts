import type { GraphErrorResponse } from './cloud-api.js'

/** Where Meta's Graph API is and which version our paths carry. */
export interface GraphTarget {
  readonly baseUrl: string
  readonly version: string
}

/**
 * A Graph call answered with an error: the HTTP status and, when Meta sent them, its error code
 * and `error_data.details` (reference §6: branch on these, not on the status).
 */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
    readonly details?: string,
  ) {
    super(message)
    this.name = 'GraphError'
  }
}

/** No answer came from the Graph API: a network failure, a timeout or a cancel. */
export class GraphUnreachableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'GraphUnreachableError'
  }
}

/** True when a parsed body has the shape of Meta's error answer. */
export function isGraphErrorBody(body: unknown): body is GraphErrorResponse {
  const error = (body as Partial<GraphErrorResponse> | null)?.error
  return typeof error?.code === 'number' && typeof error.message === 'string'
}

/** The error a failed Graph response carries, with Meta's code when its body is a Graph error. */
export async function graphErrorOf(response: Response, what: string): Promise<GraphError> {
  const text = await response.text().catch(() => '')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (!isGraphErrorBody(body)) {
    return new GraphError(response.status, undefined, `${what} answered ${response.status}`)
  }
  const { code, message, error_data } = body.error
  const summary = `${what} answered ${response.status}: ${message}`
  return new GraphError(response.status, code, summary, error_data?.details)
}
