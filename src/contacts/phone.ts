/**
 * Meta sends WhatsApp numbers with or without a leading + (`from` echoes whatever was used to
 * send). Parley keeps one form, E.164 with +, so the blind index matches either way.
 */
export function toE164(raw: string | undefined | null): string | undefined {
  if (raw === undefined || raw === null) return undefined
  const digits = raw.replace(/\D/g, '')
  if (digits.length < 6 || digits.length > 15) return undefined
  return `+${digits}`
}

// ITU-T E.164 country calling codes of one and two digits; every other code has three.
const ONE_DIGIT_CODES = new Set(['1', '7'])
const TWO_DIGIT_CODES = new Set(
  '20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98'.split(
    ' ',
  ),
)
const VISIBLE_DIGITS = 5

function callingCodeOf(digits: string): string {
  if (ONE_DIGIT_CODES.has(digits.slice(0, 1))) return digits.slice(0, 1)
  if (TWO_DIGIT_CODES.has(digits.slice(0, 2))) return digits.slice(0, 2)
  return digits.slice(0, 3)
}

/**
 * A number with its middle hidden, for roles that must not see it: the country code and the
 * last five digits stay (fewer for a short number), so an agent can still tell two contacts apart (+91 ••••• 43210).
 */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '')
  const code = callingCodeOf(digits)
  const national = digits.slice(code.length)
  // A short number shows at most half its digits.
  const visible = Math.min(VISIBLE_DIGITS, Math.floor(national.length / 2))
  const hidden = national.length - visible
  return `+${code} ${'•'.repeat(hidden)} ${national.slice(national.length - visible)}`
}

/** A decrypted number as this viewer may see it: masked when asked, null when there is none. */
export function shownPhone(phone: string | null, mask: boolean): string | null {
  if (phone === null) return null
  return mask ? maskPhone(phone) : phone
}
