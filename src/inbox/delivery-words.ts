import type { MessageFailure } from '../db/schema.js'

// What an agent needs to know about Meta's error codes (reference §6), in words.
const FAILURE_WORDS: Readonly<Record<number, string>> = {
  100: 'WhatsApp refused a parameter of the message',
  130429: 'WhatsApp throughput limit reached',
  130472: 'Held back by a Meta marketing-message experiment',
  131000: 'Unknown error at WhatsApp',
  131008: 'A required part of the message was missing',
  131009: 'A part of the message was not valid',
  131016: 'WhatsApp was temporarily unavailable',
  131021: 'The number is the business number itself',
  131026: 'Undeliverable: the number may not be on WhatsApp, or its app is too old',
  131031: 'The business account is locked',
  131042: 'A payment problem on the business account',
  131047: 'More than 24 hours since the contact last wrote: send a template',
  131048: 'Too many recent messages were blocked or flagged as spam',
  131049: "Meta held back this marketing message (the contact's limit); try again after 24 hours",
  131050: 'The contact stopped marketing messages',
  131051: 'WhatsApp does not support this message type',
  131053: 'WhatsApp could not take the media file',
  131056: 'Too many messages to this contact in a short time',
  131063: 'Marketing templates are disabled for this account',
  132000: "The template's parameters do not match",
  132001: 'The template is missing in this language or not approved',
  132005: 'The template is too long once filled in',
  132007: 'The template breaks WhatsApp policy',
  132012: "A template parameter's format does not match",
  132015: 'The template is paused for low quality',
  132016: 'The template is disabled for good',
  190: "The business's access token has expired",
  368: 'The business account is restricted for a policy violation',
}

/** Meta's reason for a failure, in words an agent understands, with the code for support. */
export function failureWords(failure: MessageFailure | null): string {
  if (!failure) return 'WhatsApp gave no reason'
  const words = FAILURE_WORDS[failure.code] ?? failure.title ?? 'WhatsApp gave no reason'
  return failure.code > 0 ? `${words} (code ${failure.code})` : words
}

// Why the gate kept a send back (its refusals are also the API's error codes).
const SKIP_WORDS: Readonly<Record<string, string>> = {
  contact_opted_out: 'Not sent: the contact has opted out',
  marketing_opted_out: 'Not sent: the contact stopped marketing messages',
  outside_service_window: 'Not sent: more than 24 hours since the contact last wrote',
  confirmation_superseded: 'Not sent: a newer consent change replaced this confirmation',
}

/** A delivery state in words, as the thread shows it under a message. */
export function deliveryWords(state: string, failure: MessageFailure | null = null): string {
  switch (state) {
    case 'queued':
    case 'sending':
      return 'Sending…'
    case 'accepted':
      return 'Accepted by WhatsApp'
    case 'sent':
      return 'Sent'
    case 'delivered':
      return 'Delivered'
    case 'read':
      return 'Read'
    case 'played':
      return 'Played'
    case 'failed':
      return `Failed: ${failureWords(failure)}`
    case 'unknown':
      return 'Not known: the call to WhatsApp was cut off, so it is not sent again'
    default:
      return SKIP_WORDS[state] ?? state
  }
}

/** A queued send while the workspace's sending is paused: it waits, it is not being sent. */
export const PAUSED_WORDS = 'Waiting: sending is paused'

/** The words for a send the gate refused. */
export function skipWords(reason: string | null): string {
  return SKIP_WORDS[reason ?? ''] ?? 'Not sent'
}
