import { z } from 'zod'
import type { ErrorCode } from '../errors.js'
import { GraphError, GraphUnreachableError } from '../whatsapp/graph-errors.js'

/** What a person typed to connect a number; blank strings count as not given. */
export interface ConnectionInput {
  readonly phoneNumberId: string
  /** Undefined keeps the stored WABA id; blank removes it. */
  readonly wabaId?: string | undefined
  /** Blank keeps the stored token. */
  readonly accessToken?: string | undefined
}

/** A checked connection request: the token is absent when the stored one is kept. */
export interface Connection {
  readonly phoneNumberId: string
  readonly wabaId: string | null | undefined
  readonly accessToken: string | undefined
}

// Meta's ids are long decimal numbers; tokens are a few hundred characters without spaces.
const META_ID = /^\d{5,20}$/
const TOKEN = /^\S{20,4096}$/

/** The connection to check with Meta, or every problem with the input at once. */
export function readConnection(
  input: ConnectionInput,
  hasStoredToken: boolean,
): { ok: true; connection: Connection } | { ok: false; problems: string[] } {
  const phoneNumberId = input.phoneNumberId.trim()
  const wabaId = input.wabaId?.trim()
  const accessToken = input.accessToken?.trim() ?? ''
  const problems: string[] = []
  if (!META_ID.test(phoneNumberId)) {
    problems.push('The phone number id must be 5 to 20 digits, as Meta shows it.')
  }
  if (wabaId && !META_ID.test(wabaId)) {
    problems.push('The WhatsApp Business Account id must be 5 to 20 digits, or left empty.')
  }
  if (accessToken === '' && !hasStoredToken) {
    problems.push('An access token is needed: none is stored for this workspace yet.')
  } else if (accessToken !== '' && !TOKEN.test(accessToken)) {
    problems.push('The access token must be one piece of text of 20 to 4096 characters.')
  }
  if (problems.length > 0) return { ok: false, problems }
  return {
    ok: true,
    connection: {
      phoneNumberId,
      wabaId: wabaId === undefined ? undefined : wabaId || null,
      accessToken: accessToken || undefined,
    },
  }
}

/** Why Meta's check failed, as the error code to answer with and a sentence to act on. */
export interface CheckFailure {
  readonly code: Extract<ErrorCode, 'validation_failed' | 'whatsapp_unavailable'>
  readonly message: string
}

const UNCHANGED = 'Nothing was changed.'
const UNREACHABLE: CheckFailure = {
  code: 'whatsapp_unavailable',
  message: `Could not reach WhatsApp, nothing was changed. Try again in a minute.`,
}
// Meta's "service down or overloaded" codes (reference §6); a retry later may pass.
const SERVICE_DOWN = new Set([1, 2, 131000, 131016])
const RATE_LIMITED = new Set([4, 80007])

function refused(message: string): CheckFailure {
  return { code: 'validation_failed', message: `${message} ${UNCHANGED}` }
}

/** The failure a describe-number call ended in, by Meta's code first (reference §6). */
export function checkFailureOf(error: unknown, phoneNumberId: string): CheckFailure {
  if (error instanceof GraphUnreachableError || !(error instanceof GraphError)) return UNREACHABLE
  const { code, status } = error
  if (code === 190 || code === 0) {
    return refused(
      `Meta refused the access token (error ${code}): it is invalid, expired or revoked.`,
    )
  }
  if (code === 3 || code === 10 || (code !== undefined && code >= 200 && code <= 299)) {
    return refused(
      `The access token is not allowed to manage this number (error ${code}): give its system ` +
        'user the whatsapp_business_management permission and access to the WhatsApp account.',
    )
  }
  if (code === 100 || (code === undefined && status === 404)) {
    return refused(
      `Meta knows no phone number with id ${phoneNumberId} that this token can see. Copy the ` +
        'Phone number ID from WhatsApp › API Setup (it is not the phone number itself).',
    )
  }
  if (RATE_LIMITED.has(code ?? -1)) {
    return refused(`Meta is limiting requests right now (error ${String(code)}): try again later.`)
  }
  if (SERVICE_DOWN.has(code ?? -1) || status >= 500) return UNREACHABLE
  return refused(`Meta refused the check (${code === undefined ? status : `error ${code}`}).`)
}

const QUALITY_WORDS: Record<string, string> = {
  GREEN: 'High (green)',
  YELLOW: 'Medium (yellow)',
  RED: 'Low (red)',
  UNKNOWN: 'Not rated yet',
}

/** Meta's quality rating in words; an unknown value is shown as Meta sent it. */
export function qualityWords(rating: string | null | undefined): string {
  if (rating === undefined || rating === null) return 'Not given by Meta'
  return QUALITY_WORDS[rating] ?? rating
}

/** What Meta said about the connected number when it was last checked. */
export interface CheckedNumber {
  readonly phoneNumberId: string
  readonly displayPhoneNumber: string
  readonly verifiedName: string | null
  readonly qualityRating: string | null
  readonly checkedAt: string
}

/** The `whatsappNumber` part of the workspace settings schema; null when none was kept. */
export const checkedNumberPart = z
  .object({
    phoneNumberId: z.string(),
    displayPhoneNumber: z.string(),
    verifiedName: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
    qualityRating: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
    checkedAt: z.string(),
  })
  .nullish()
  .catch(null)
  .transform((v): CheckedNumber | null => v ?? null)

/**
 * The checked number kept in the workspace's settings, if it still describes the connected
 * phone number id (`workspace:create` may have set an id nobody checked).
 */
export function checkedNumberOf(
  stored: CheckedNumber | null,
  phoneNumberId: string | null,
): CheckedNumber | null {
  return stored?.phoneNumberId === phoneNumberId ? stored : null
}
