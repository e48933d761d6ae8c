import { createScratchDatabase, testDatabaseUrl } from './databases.js'

/**
 * A brand-new, unmigrated database on the same server as the project's test database, for
 * tests that need an empty Parley (first-run setup) or a real start-up. Drop it when done.
 */
export function createFreshDatabase() {
  return createScratchDatabase(testDatabaseUrl(), 'parley_fresh')
}
