import { defineConfig } from 'vitest/config'

// Integration tests share one fresh database per project (created and dropped by the global
// setup); each test makes its own workspace, so files may run in parallel.
export default defineConfig({
  test: {
    setupFiles: ['tests/helpers/no-network.ts'],
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core machine. The
    // integration files mostly wait on PostgreSQL, so more workers than cores pays.
    maxWorkers: 4,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          setupFiles: ['tests/helpers/cheap-passwords.ts', 'tests/helpers/file-database.ts'],
          globalSetup: ['tests/helpers/global-database.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration-embedded',
          // The smoke subset of the same suite on the embedded PostgreSQL that `npm start` runs
          // without DATABASE_URL; PARLEY_EMBEDDED_ALL=1 runs every integration file there. The
          // global setup starts that server once; its files run in parallel like the others.
          include: [
            process.env.PARLEY_EMBEDDED_ALL === '1'
              ? 'tests/integration/**/*.test.ts'
              : 'tests/integration/**/*.smoke.test.ts',
          ],
          setupFiles: ['tests/helpers/cheap-passwords.ts', 'tests/helpers/file-database.ts'],
          globalSetup: ['tests/helpers/global-database.ts'],
          testTimeout: 30_000,
          hookTimeout: 90_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          globalSetup: ['tests/helpers/global-database.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
