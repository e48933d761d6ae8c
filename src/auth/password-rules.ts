/** Shortest password accepted for a console user. */
const MIN_PASSWORD_LENGTH = 10
// scrypt hashes whatever it is given; a cap keeps a pasted megabyte from costing a login's worth
// of CPU per request.
const MAX_PASSWORD_BYTES = 1024

/** The one rule for every new password (setup, user creation, reset, change): why it fails, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `Password must be at least ${MIN_PASSWORD_LENGTH} characters`
  }
  if (password.trim() === '') return 'Password must not be only spaces'
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return `Password must be at most ${MAX_PASSWORD_BYTES} bytes`
  }
  return undefined
}
