import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import { pino } from 'pino'
import { createApp } from '../../src/app.js'
import { connectDatabase } from '../../src/db/client.js'
import { isMigrated } from '../../src/db/migrate.js'
import { createFieldCipher } from '../../src/crypto/field-cipher.js'
import { createRenderer } from '../../src/http/render.js'
import { VIEWS_DIR } from '../../src/paths.js'
import type { AppDeps } from '../../src/http/env.js'

/** A controllable clock for expiry and throttling tests. */
export class TestClock {
  private current = new Date()
  now = () => new Date(this.current)
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms)
  }
}

/** The app on the project's test database (or `databaseUrl`), with a silent logger, own keys and clock. */
export function createTestApp(
  overrides: Partial<AppDeps> = {},
  databaseUrl = inject('databaseUrl'),
) {
  const log = pino({ level: 'silent' })
  const database = connectDatabase(databaseUrl, { log, poolSize: 5 })
  const cipher = createFieldCipher([randomBytes(32)])
  const clock = new TestClock()
  const deps: AppDeps = {
    db: database.db,
    cipher,
    log,
    sessionSecret: randomBytes(32).toString('base64url'),
    views: createRenderer(VIEWS_DIR),
    trustProxy: true,
    isReady: () => isMigrated(database.pool),
    now: clock.now,
    ...overrides,
  }
  return { app: createApp(deps), deps, clock, database, close: () => database.close() }
}

/** The test app and what it was built from. */
export type TestApp = ReturnType<typeof createTestApp>
