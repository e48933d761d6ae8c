import { dictionary } from '@zxcvbn-ts/language-common'

/** Shortest password accepted for a console user. */
const MIN_PASSWORD_LENGTH = 10
// scrypt hashes whatever it is given; a cap keeps a pasted megabyte from costing a login's worth
// of CPU per request.
const MAX_PASSWORD_BYTES = 1024

// zxcvbn-ts's list of the most common leaked passwords ships inside the package: no download at
// run time. Shorter ones already fail the length rule, so only the rest are kept in memory.
let common: Set<string> | undefined
function isCommonPassword(password: string): boolean {
  common ??= new Set(
    dictionary['passwords-common'].filter((word) => word.length >= MIN_PASSWORD_LENGTH),
  )
  return common.has(password.toLowerCase())
}

/**
 * The one rule for every new password (setup, user creation, reset, change, CLI): why it fails, or
 * undefined. `email` is the account's, which must not double as its password.
 */
export function passwordProblem(password: string, email?: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `Password must be at least ${MIN_PASSWORD_LENGTH} characters`
  }
  if (password.trim() === '') return 'Password must not be only spaces'
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return `Password must be at most ${MAX_PASSWORD_BYTES} bytes`
  }
  const folded = password.trim().toLowerCase()
  const address = email?.trim().toLowerCase()
  if (address && (folded === address || folded === address.split('@')[0])) {
    return 'Password must not be your email address'
  }
  if (isCommonPassword(password.trim())) return 'Password is too common: choose another'
  return undefined
}
