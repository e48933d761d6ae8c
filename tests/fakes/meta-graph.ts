import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type {
  GraphErrorResponse,
  MediaUrlResponse,
  SendMessageRequest,
} from '../../src/whatsapp/cloud-api.js'
import {
  mostInAnyWindow,
  readMessagesBody,
  recipientOf,
  sendResponse,
  smallestPairGap,
  takeFailure,
  type RecordedRead,
  type RecordedSend,
  type RefusedSend,
  type SendFailure,
} from './meta-graph-sends.js'
import { FakeTemplates } from './meta-graph-templates.js'
import { FakePhoneNumbers } from './meta-graph-numbers.js'

/** One request the fake received, as it arrived. */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: Record<string, string>
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

/** A media file the fake serves under its id. */
export interface FakeMedia {
  readonly bytes: Buffer
  readonly mimeType: string
  /** False: no `file_size` in the lookup and no Content-Length on the file (a chunked body). */
  readonly declareSize?: boolean
}

/** What a route handler answers. */
export interface FakeReply {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body?: Buffer | string | object
}

/** A route's match: its path parameters and the recorded request. */
interface RouteContext {
  readonly params: readonly string[]
  readonly request: RecordedRequest
  readonly baseUrl: string
}

/** One row of the route table; `versioned` routes start with `/{version}/`. */
interface Route {
  readonly method: string
  readonly pattern: RegExp
  readonly versioned: boolean
  handle(context: RouteContext): FakeReply | Promise<FakeReply>
}

/** A Graph error body as Meta shapes it (reference §6), with `error_data.details` when given. */
export function graphError(
  status: number,
  code: number,
  message: string,
  details?: string,
): FakeReply {
  const body: GraphErrorResponse = {
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(details !== undefined && { error_data: { messaging_product: 'whatsapp', details } }),
      fbtrace_id: randomBytes(6).toString('hex'),
    },
  }
  return { status, body }
}

/**
 * A local stand-in for Meta's Graph API. It checks every request carries the expected Bearer
 * token and Graph version and lists each violation in `problems`, which tests assert is empty.
 * New endpoints (uploads, templates) are rows added to the route table.
 */
export class FakeMetaGraph {
  readonly requests: RecordedRequest[] = []
  readonly problems: string[] = []
  readonly sends: RecordedSend[] = []
  readonly refusedSends: RefusedSend[] = []
  readonly reads: RecordedRead[] = []
  /** Sends and mark-reads are answered this much later (timeout tests). */
  sendDelayMs = 0
  /** The time a send arrives at (`at`): the test app's clock, so pacing on it can be checked. */
  now: () => number = Date.now
  /** What `message_templates` lists per WABA: `meta.templates.set(wabaId, [...])`. */
  readonly templates = new FakeTemplates()
  /** The business numbers `GET /{version}/{phone-number-id}` describes: `meta.phoneNumbers.add(…)`. */
  readonly phoneNumbers = new FakePhoneNumbers()
  private readonly sendFailures: SendFailure[] = []
  private readonly media = new Map<string, FakeMedia>()
  private readonly expiredOnce = new Set<string>()
  private readonly lookupFailures = new Map<string, FakeReply>()
  private readonly routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/media-files\/([^/]+)$/,
      versioned: false,
      handle: (context) => this.serveFile(context),
    },
    {
      method: 'POST',
      pattern: /^\/[^/]+\/([^/]+)\/messages$/,
      versioned: true,
      handle: (context) => this.answerMessages(context),
    },
    {
      method: 'GET',
      pattern: /^\/[^/]+\/([^/]+)$/,
      versioned: true,
      // One path shape, two objects: a business number the test added, else a media id.
      handle: (context) =>
        this.phoneNumbers.has(context.params[0] ?? '')
          ? this.phoneNumbers.answer(context, this.expected.accessToken)
          : this.lookUpMedia(context),
    },
    {
      method: 'GET',
      pattern: /^\/[^/]+\/([^/]+)\/message_templates$/,
      versioned: true,
      handle: (context) => this.templates.answer(context, this.expected.accessToken),
    },
  ]

  constructor(private readonly expected: { version: string; accessToken: string }) {}

  /** Registers a media id the fake knows. */
  addMedia(id: string, media: FakeMedia): void {
    this.media.set(id, media)
  }

  /** The next download of this id answers 404, as an expired 5-minute URL does. */
  expireUrlOnce(id: string): void {
    this.expiredOnce.add(id)
  }

  /** The next lookup of this id answers `reply` instead (rate limits, outages). */
  failLookupOnce(id: string, reply: FakeReply): void {
    this.lookupFailures.set(id, reply)
  }

  /** The next `times` (default 1) sends that `match` answer `reply`; kept in `refusedSends`. */
  failSends(
    reply: FakeReply,
    options: { times?: number; match?: (body: SendMessageRequest) => boolean } = {},
  ): void {
    const { times = 1, match = () => true } = options
    this.sendFailures.push({ reply, match, left: times })
  }

  /** Accepted sends to this phone number (`to`) or BSUID (`recipient`). */
  sendsTo(phoneOrBsuid: string): RecordedSend[] {
    return this.sends.filter((s) => recipientOf(s.body) === phoneOrBsuid)
  }

  /** The most sends from this number that arrived within any span of `windowMs` (pacing). */
  maxSendsInAnyWindow(phoneNumberId: string, windowMs: number): number {
    const instants = this.sends.filter((s) => s.phoneNumberId === phoneNumberId).map((s) => s.at)
    return mostInAnyWindow(instants, windowMs)
  }

  /** The shortest time (ms) between two sends from one number to one recipient; Infinity if none. */
  smallestGapToSameRecipient(): number {
    return smallestPairGap(this.sends)
  }

  /** Requests whose path mentions this id (its lookups and downloads). */
  requestsFor(id: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.split('/').includes(id))
  }

  /** Listens on a free loopback port. */
  async start(): Promise<{ baseUrl: string; close(): Promise<void> }> {
    const server = createServer((req, res) => {
      void this.answer(req, res, baseUrl)
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const close = () =>
      new Promise<void>((done, fail) => {
        server.close((error) => {
          if (error) fail(error)
          else done()
        })
        server.closeAllConnections()
      })
    return { baseUrl, close }
  }

  private async answer(req: IncomingMessage, res: ServerResponse, baseUrl: string) {
    const request = await record(req)
    this.requests.push(request)
    const route = this.routes.find(
      (r) => r.method === request.method && r.pattern.test(request.path),
    )
    if (route === undefined) {
      this.problems.push(`unexpected ${request.method} ${request.path}`)
      send(res, graphError(400, 100, 'Unsupported request (fake has no such route)'))
      return
    }
    this.check(request, route)
    const params = route.pattern.exec(request.path)?.slice(1) ?? []
    send(res, await route.handle({ params, request, baseUrl }))
  }

  private check(request: RecordedRequest, route: Route) {
    const where = `${request.method} ${request.path}`
    if (request.headers.authorization !== `Bearer ${this.expected.accessToken}`) {
      this.problems.push(`${where}: Authorization is not the expected Bearer token`)
    }
    const version = request.path.split('/')[1]
    if (route.versioned && version !== this.expected.version) {
      this.problems.push(
        `${where}: Graph version ${version ?? ''}, expected ${this.expected.version}`,
      )
    }
  }

  private async answerMessages({ params: [phoneNumberId = ''], request }: RouteContext) {
    const reply = this.handleMessages(phoneNumberId, request, this.now())
    if (this.sendDelayMs > 0) await sleep(this.sendDelayMs)
    return reply
  }

  private handleMessages(phoneNumberId: string, request: RecordedRequest, at: number): FakeReply {
    const where = `${request.method} ${request.path}`
    const message = readMessagesBody(request.headers['content-type'], request.body)
    switch (message.kind) {
      case 'invalid':
        this.problems.push(...message.problems.map((problem) => `${where}: ${problem}`))
        return graphError(400, 100, `(#100) Invalid parameter: ${message.problems.join('; ')}`)
      case 'read':
        this.reads.push({ phoneNumberId, wamid: message.body.message_id })
        return { status: 200, body: { success: true } }
      case 'send':
        return this.acceptSend(phoneNumberId, message.body, at)
    }
  }

  private acceptSend(phoneNumberId: string, body: SendMessageRequest, at: number): FakeReply {
    const refusal = takeFailure(this.sendFailures, body)
    if (refusal) {
      this.refusedSends.push({ phoneNumberId, body, at, reply: refusal })
      return refusal
    }
    const wamid = `wamid.${randomBytes(24).toString('base64url')}`
    this.sends.push({ phoneNumberId, body, at, wamid })
    return { status: 200, body: sendResponse(body, wamid) }
  }

  private lookUpMedia({ params: [id = ''], baseUrl }: RouteContext): FakeReply {
    const failure = this.lookupFailures.get(id)
    if (failure) {
      this.lookupFailures.delete(id)
      return failure
    }
    const media = this.media.get(id)
    if (!media) {
      return graphError(404, 100, `Unsupported get request. Object with ID '${id}' does not exist`)
    }
    const body: MediaUrlResponse = {
      messaging_product: 'whatsapp',
      url: `${baseUrl}/media-files/${id}?sig=${randomBytes(8).toString('hex')}`,
      mime_type: media.mimeType,
      id,
      ...(media.declareSize !== false && { file_size: String(media.bytes.length) }),
    }
    return { status: 200, body }
  }

  private serveFile({ params: [id = ''], request }: RouteContext): FakeReply {
    // Meta's file server refuses a plain GET (§9).
    if (request.headers.authorization !== `Bearer ${this.expected.accessToken}`) {
      return { status: 401, body: 'Unauthorized' }
    }
    const media = this.media.get(id)
    if (!media || this.expiredOnce.delete(id)) return { status: 404, body: 'Not Found' }
    const headers: Record<string, string> = { 'content-type': media.mimeType }
    if (media.declareSize !== false) headers['content-length'] = String(media.bytes.length)
    return { status: 200, headers, body: media.bytes }
  }
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const url = new URL(req.url ?? '/', 'http://fake')
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  }
}

function send(res: ServerResponse, reply: FakeReply) {
  const { body } = reply
  const isJson = body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body)
  const payload = isJson ? JSON.stringify(body) : body
  const headers = isJson ? { 'content-type': 'application/json', ...reply.headers } : reply.headers
  // Without an explicit length, node sends the body chunked.
  res.writeHead(reply.status, headers)
  res.end(payload)
}
