import type {
  MarkReadRequest,
  MarkReadResponse,
  SendMessageRequest,
  SendMessageResponse,
} from './cloud-api.js'
import {
  GraphError,
  graphErrorOf,
  GraphUnreachableError,
  type GraphTarget,
} from './graph-errors.js'

const DEFAULT_TIMEOUT_MS = 30_000

/** The business number a call speaks for, and where Meta's Graph API is. */
export interface GraphSender extends GraphTarget {
  readonly accessToken: string
  readonly phoneNumberId: string
}

/** A caller's cancel signal and how long a call may take (30 s unless given). */
export interface GraphCallOptions {
  readonly signal?: AbortSignal
  readonly timeoutMs?: number
}

/** Meta took the message: accepted, not delivered (§4.3); status webhooks tell the rest. */
export interface SentMessage {
  readonly wamid: string
  /** The number WhatsApp resolved `to` into; absent for BSUID sends. */
  readonly waId?: string
  /** Templates only: accepted, held_for_quality_assessment or paused. */
  readonly messageStatus?: string
}

// For a send, no answer means Meta may or may not have the request: sending again may deliver the
// message twice.
export { GraphUnreachableError }

/** POSTs to `/{version}/{phone-number-id}/messages` (§4.1) and returns a 2xx answer's body. */
async function postMessages(
  sender: GraphSender,
  body: SendMessageRequest | MarkReadRequest,
  what: string,
  options: GraphCallOptions,
): Promise<{ status: number; body: unknown }> {
  const { baseUrl, version, phoneNumberId } = sender
  const url = `${baseUrl}/${version}/${encodeURIComponent(phoneNumberId)}/messages`
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${sender.accessToken}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
      signal,
    })
    if (!response.ok) throw await graphErrorOf(response, what)
    return { status: response.status, body: parseJson(await response.text()) }
  } catch (error) {
    if (error instanceof GraphError) throw error
    // Includes a body cut off after the status line: the request did reach Meta then.
    throw new GraphUnreachableError(`${what}: no answer from the Graph API`, { cause: error })
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Sends one message; resolves with Meta's wamid (and wa_id/message_status when given). Throws
 * GraphError on an error answer, GraphUnreachableError when no answer came.
 */
export async function sendMessage(
  sender: GraphSender,
  body: SendMessageRequest,
  options: GraphCallOptions = {},
): Promise<SentMessage> {
  const answer = await postMessages(sender, body, 'send', options)
  const sent = answer.body as Partial<SendMessageResponse> | undefined
  const message = sent?.messages?.[0]
  // Without a wamid no status webhook can be matched to the message: treat it as a failure.
  if (typeof message?.id !== 'string') {
    throw new GraphError(answer.status, undefined, `send answered ${answer.status} without a wamid`)
  }
  const waId = sent?.contacts?.[0]?.wa_id
  const messageStatus = message.message_status
  return {
    wamid: message.id,
    ...(waId !== undefined && { waId }),
    ...(messageStatus !== undefined && { messageStatus }),
  }
}

/** Marks an inbound message (and the ones before it) read. */
export async function markRead(
  sender: GraphSender,
  wamid: string,
  options: GraphCallOptions = {},
): Promise<void> {
  const body: MarkReadRequest = { messaging_product: 'whatsapp', status: 'read', message_id: wamid }
  const answer = await postMessages(sender, body, 'mark read', options)
  if ((answer.body as Partial<MarkReadResponse> | undefined)?.success !== true) {
    throw new GraphError(
      answer.status,
      undefined,
      `mark read answered ${answer.status} without success`,
    )
  }
}
