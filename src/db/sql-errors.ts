/** Postgres error codes Parley translates; the one place SQLSTATE values appear. */
const UNIQUE_VIOLATION = '23505'
// PostgreSQL aborted the transaction to break a lock cycle, or to keep serializable order:
// the same work run again usually succeeds.
const LOCK_CONFLICTS = new Set(['40P01', '40001'])
// The server ended this connection (an administrator, a restart, a crash) or will not take new
// ones yet: nothing is wrong with the request.
const SERVER_GONE = new Set(['57P01', '57P02', '57P03'])
const CONNECTION_EXCEPTION_CLASS = '08'

interface PgErrorLike {
  code?: unknown
  constraint?: unknown
  cause?: unknown
}

function findPgError(error: unknown): PgErrorLike | undefined {
  let current: unknown = error
  // Drizzle wraps the driver's error in DrizzleQueryError; the SQLSTATE is on the cause.
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const candidate = current as PgErrorLike
    if (typeof candidate.code === 'string') return candidate
    current = candidate.cause
  }
  return undefined
}

/** True when `error` is a unique violation, optionally of the named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = findPgError(error)
  if (pgError?.code !== UNIQUE_VIOLATION) return false
  return constraint === undefined || pgError.constraint === constraint
}

/** True when PostgreSQL aborted the transaction for a deadlock or a serialization failure. */
export function isLockConflict(error: unknown): boolean {
  const code = findPgError(error)?.code
  return typeof code === 'string' && LOCK_CONFLICTS.has(code)
}

/**
 * True when the query failed because its connection was lost: the server ended it, or the
 * socket closed under it (pg then has no SQLSTATE, only its own message).
 */
export function isConnectionLoss(error: unknown): boolean {
  const code = findPgError(error)?.code
  if (typeof code === 'string') {
    return SERVER_GONE.has(code) || code.startsWith(CONNECTION_EXCEPTION_CLASS)
  }
  return messagesOf(error).some((message) => /^Connection terminated/.test(message))
}

function messagesOf(error: unknown): string[] {
  const messages: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    messages.push(current.message)
    current = current.cause
  }
  return messages
}
