/** Postgres error codes Parley translates; the one place SQLSTATE values appear. */
const UNIQUE_VIOLATION = '23505'
// PostgreSQL aborted the transaction to break a lock cycle, or to keep serializable order:
// the same work run again usually succeeds.
const LOCK_CONFLICTS = new Set(['40P01', '40001'])

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
