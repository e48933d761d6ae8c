import type { MessageTemplate, MessageTemplatesPage } from '../../src/whatsapp/cloud-api.js'
import { graphError, type FakeReply, type RecordedRequest } from './meta-graph.js'

// Meta's default page size when the request names no limit.
const DEFAULT_LIMIT = 25

/** What a templates request carries, as the fake's route table hands it over. */
interface TemplatesRequest {
  readonly params: readonly string[]
  readonly request: RecordedRequest
  readonly baseUrl: string
}

function cursorOf(index: number): string {
  return Buffer.from(`offset:${index}`).toString('base64url')
}

function offsetOf(cursor: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  return match?.[1] === undefined ? undefined : Number(match[1])
}

// Graph answers only the fields asked for (plus the id); without `fields`, the fake sends all.
function project(template: MessageTemplate, fields: string | undefined): MessageTemplate {
  if (fields === undefined) return template
  const wanted = new Set(['id', ...fields.split(',').map((field) => field.trim())])
  return Object.fromEntries(
    Object.entries(template).filter(([key]) => wanted.has(key)),
  ) as MessageTemplate
}

/**
 * `GET /{version}/{waba-id}/message_templates` of the fake Meta: templates per WABA that tests
 * set, pages of `limit` with an opaque `after` cursor and a `next` URL until the last page, a
 * 190 for a wrong token, and scripted failures.
 */
export class FakeTemplates {
  private readonly byWaba = new Map<string, readonly MessageTemplate[]>()
  private readonly failures = new Map<string, FakeReply>()

  /** The templates this WABA lists from now on (in this order). */
  set(wabaId: string, templates: readonly MessageTemplate[]): void {
    this.byWaba.set(wabaId, templates)
  }

  /** The next templates request for this WABA answers `reply` instead. */
  failOnce(wabaId: string, reply: FakeReply): void {
    this.failures.set(wabaId, reply)
  }

  /** Answers one page request, as Meta would. */
  answer({ params: [wabaId = ''], request, baseUrl }: TemplatesRequest, token: string): FakeReply {
    if (request.headers.authorization !== `Bearer ${token}`) {
      return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token')
    }
    const failure = this.failures.get(wabaId)
    if (failure) {
      this.failures.delete(wabaId)
      return failure
    }
    const templates = this.byWaba.get(wabaId)
    if (!templates) {
      return graphError(
        400,
        100,
        `Unsupported get request. Object with ID '${wabaId}' does not exist`,
      )
    }
    const { after, fields, limit = String(DEFAULT_LIMIT) } = request.query
    const start = after === undefined ? 0 : offsetOf(after)
    if (start === undefined) return graphError(400, 100, 'Invalid parameter: after')
    const end = start + Number(limit)
    const body: MessageTemplatesPage = {
      data: templates.slice(start, end).map((template) => project(template, fields)),
    }
    if (body.data.length === 0) return { status: 200, body }
    const next = new URL(`${baseUrl}${request.path}`)
    next.search = new URLSearchParams({ ...request.query, after: cursorOf(end) }).toString()
    body.paging = {
      cursors: { before: cursorOf(start), after: cursorOf(end) },
      ...(end < templates.length && { next: next.toString() }),
    }
    return { status: 200, body }
  }
}
