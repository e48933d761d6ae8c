import { isLockConflict } from './sql-errors.js'

// A lock conflict aborts the whole transaction, so running it again is safe; a few tries are
// plenty when every path takes its locks in the same order (contact, then conversation).
const ATTEMPTS = 3

/**
 * Runs a whole transaction again, at once, when PostgreSQL aborted it for a deadlock or a
 * serialization failure; any other error, or the last conflict, is thrown. `run` must open its
 * own transaction and do nothing outside the database before it commits.
 */
export async function retryLockConflicts<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      if (attempt >= ATTEMPTS || !isLockConflict(error)) throw error
    }
  }
}
