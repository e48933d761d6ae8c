import { vi } from 'vitest'

// Every seeded workspace hashes four passwords and most tests log in: at the production cost
// (~60 ms each, far more on a busy machine) that was a good part of the suite's time. Hashes keep
// their cost, so logins check these cheaply too; src/auth/passwords.test.ts holds production to
// its cost, and the processes the CLI and browser tests start use it.
vi.mock('../../src/auth/password-cost.js', () => ({ PASSWORD_COST: { N: 1024, r: 8, p: 1 } }))
