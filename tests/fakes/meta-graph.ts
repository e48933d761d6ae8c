import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { GraphErrorResponse, MediaUrlResponse } from '../../src/whatsapp/cloud-api.js'

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
  handle(context: RouteContext): FakeReply
}

/** A Graph error body as Meta shapes it (reference §6). */
export function graphError(status: number, code: number, message: string): FakeReply {
  const body: GraphErrorResponse = {
    error: { message, type: 'OAuthException', code, fbtrace_id: randomBytes(6).toString('hex') },
  }
  return { status, body }
}

/**
 * A local stand-in for Meta's Graph API. It checks every request carries the expected Bearer
 * token and Graph version and lists each violation in `problems`, which tests assert is empty.
 * New endpoints (sends, uploads) are rows added to the route table.
 */
export class FakeMetaGraph {
  readonly requests: RecordedRequest[] = []
  readonly problems: string[] = []
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
      method: 'GET',
      pattern: /^\/[^/]+\/([^/]+)$/,
      versioned: true,
      handle: (context) => this.lookUpMedia(context),
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
    send(res, route.handle({ params, request, baseUrl }))
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
