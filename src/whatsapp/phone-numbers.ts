import type { PhoneNumber } from './cloud-api.js'
import {
  GraphError,
  graphErrorOf,
  GraphUnreachableError,
  type GraphTarget,
} from './graph-errors.js'

// A person waits on the Settings page (or the CLI) for this answer.
const DEFAULT_TIMEOUT_MS = 15_000
const FIELDS = 'display_phone_number,verified_name,quality_rating'

/** Which business number to describe, with the token that should be allowed to read it. */
export interface PhoneNumberSource extends GraphTarget {
  readonly phoneNumberId: string
  readonly accessToken: string
}

/** What Meta says about a business number; Meta leaves out fields it has no value for. */
export interface PhoneNumberDescription {
  readonly displayPhoneNumber: string
  readonly verifiedName: string | undefined
  readonly qualityRating: string | undefined
}

/**
 * Reads a business number (`GET /{version}/{phone-number-id}?fields=…`): a read-only call that
 * proves the token may act for that number before anything is stored. Throws GraphError on an
 * error answer and GraphUnreachableError when no answer came in time.
 */
export async function describePhoneNumber(
  source: PhoneNumberSource,
  options: { readonly timeoutMs?: number } = {},
): Promise<PhoneNumberDescription> {
  const { baseUrl, version, phoneNumberId } = source
  const url = new URL(`${baseUrl}/${version}/${encodeURIComponent(phoneNumberId)}`)
  url.searchParams.set('fields', FIELDS)
  let response: Response
  let text: string
  try {
    response = await fetch(url, {
      headers: { Authorization: `Bearer ${source.accessToken}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    })
    if (!response.ok) throw await graphErrorOf(response, 'phone number')
    text = await response.text()
  } catch (error) {
    if (error instanceof GraphError) throw error
    throw new GraphUnreachableError('phone number: no answer from the Graph API', { cause: error })
  }
  return descriptionOf(response.status, text)
}

function descriptionOf(status: number, text: string): PhoneNumberDescription {
  let body: Partial<PhoneNumber> | undefined
  try {
    body = JSON.parse(text) as Partial<PhoneNumber>
  } catch {
    body = undefined
  }
  // Without the number itself the answer is not one Meta gives for a phone number id.
  if (typeof body?.display_phone_number !== 'string') {
    throw new GraphError(status, undefined, `phone number answered ${status} without a number`)
  }
  return {
    displayPhoneNumber: body.display_phone_number,
    verifiedName: body.verified_name,
    qualityRating: body.quality_rating,
  }
}
