import type {
  MarkReadRequest,
  SendMessageRequest,
  SendMessageResponse,
} from '../../src/whatsapp/cloud-api.js'
import { validatorFor } from '../helpers/openapi-schemas.js'
import type { FakeReply } from './meta-graph.js'

/** A send the fake accepted, with the wamid it answered. */
export interface RecordedSend {
  readonly phoneNumberId: string
  readonly body: SendMessageRequest
  /** When the request arrived (the fake's `now`): the time Meta would count for pacing. */
  readonly at: number
  readonly wamid: string
}

/** A send answered with a scripted failure (see `FakeMetaGraph.failSends`). */
export interface RefusedSend {
  readonly phoneNumberId: string
  readonly body: SendMessageRequest
  readonly at: number
  readonly reply: FakeReply
}

/** A mark-read call: the inbound message marked read. */
export interface RecordedRead {
  readonly phoneNumberId: string
  readonly wamid: string
}

/** A scripted answer for the next `left` sends that `match`. */
export interface SendFailure {
  readonly reply: FakeReply
  readonly match: (body: SendMessageRequest) => boolean
  left: number
}

/** The reply of the first scripted failure this send matches, using up one of its times. */
export function takeFailure(
  failures: SendFailure[],
  body: SendMessageRequest,
): FakeReply | undefined {
  const failure = failures.find((f) => f.left > 0 && f.match(body))
  if (failure) failure.left -= 1
  return failure?.reply
}

/** What a body posted to `/messages` is: a send, a mark-read, or what is wrong with it. */
export type MessagesBody =
  | { readonly kind: 'send'; readonly body: SendMessageRequest }
  | { readonly kind: 'read'; readonly body: MarkReadRequest }
  | { readonly kind: 'invalid'; readonly problems: string[] }

const validateSend = validatorFor('SendMessageRequest')
const validateRead = validatorFor('MarkReadRequest')

/** Parses a `/messages` body and checks it against the schema its `status` calls for. */
export function readMessagesBody(contentType: string | undefined, text: string): MessagesBody {
  if (contentType?.startsWith('application/json') !== true) {
    return { kind: 'invalid', problems: ['Content-Type is not application/json'] }
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { kind: 'invalid', problems: ['/ is not JSON'] }
  }
  // One endpoint, two requests: Meta tells a mark-read by its `status: "read"` (§4.2).
  if ((body as { status?: unknown } | null)?.status === 'read') {
    const problems = validateRead(body)
    return problems.length > 0
      ? { kind: 'invalid', problems }
      : { kind: 'read', body: body as MarkReadRequest }
  }
  const problems = validateSend(body)
  return problems.length > 0
    ? { kind: 'invalid', problems }
    : { kind: 'send', body: body as SendMessageRequest }
}

/** The phone number (`to`) or BSUID (`recipient`) a send goes to. */
export function recipientOf(body: SendMessageRequest): string | undefined {
  return body.to ?? body.recipient
}

/** Meta's answer to an accepted send (§4.3): contacts only for phone sends, a status for templates. */
export function sendResponse(body: SendMessageRequest, wamid: string): SendMessageResponse {
  return {
    messaging_product: 'whatsapp',
    ...(body.to !== undefined && {
      contacts: [{ input: body.to, wa_id: body.to.replace(/\D/g, '') }],
    }),
    messages: [{ id: wamid, ...(body.type === 'template' && { message_status: 'accepted' }) }],
  }
}

/** The most of these instants that fall within any span of `windowMs`. */
export function mostInAnyWindow(instants: readonly number[], windowMs: number): number {
  const sorted = [...instants].sort((a, b) => a - b)
  let most = 0
  let first = 0
  sorted.forEach((at, last) => {
    while (at - (sorted[first] ?? at) >= windowMs) first += 1
    most = Math.max(most, last - first + 1)
  })
  return most
}

/** The shortest time between two sends from one number to one recipient; Infinity if none. */
export function smallestPairGap(sends: readonly RecordedSend[]): number {
  const previous = new Map<string, number>()
  let smallest = Number.POSITIVE_INFINITY
  for (const send of [...sends].sort((a, b) => a.at - b.at)) {
    // Meta's pair rate limit (§7) is per business number and user.
    const pair = `${send.phoneNumberId} ${recipientOf(send.body) ?? ''}`
    const before = previous.get(pair)
    if (before !== undefined) smallest = Math.min(smallest, send.at - before)
    previous.set(pair, send.at)
  }
  return smallest
}
