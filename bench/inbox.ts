// The agent console's inbox on a big workspace: 100 000 contacts, 1 000 000 messages, timed
// server-side through the whole app (middleware, session, SQL, rendering). See bench/README.md.
//   npx tsx bench/inbox.ts [--contacts 100000] [--messages 1000000] [--runs 200] [--warmup 20]
//   [--keep]  (leaves the scratch database for trying indexes; prints how to drop it)
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { createApp, type ParleyApp } from '../src/app.js'
import { connectDatabase, type Db } from '../src/db/client.js'
import { isMigrated, runMigrations } from '../src/db/migrate.js'
import { withSystem, withTenant } from '../src/db/tenant.js'
import { createFieldCipher, type FieldCipher } from '../src/crypto/field-cipher.js'
import { createRenderer } from '../src/http/render.js'
import { VIEWS_DIR } from '../src/paths.js'
import type { AppDeps } from '../src/http/env.js'
import type { Role } from '../src/db/schema.js'
import { createWorkspace } from '../src/workspaces/create-workspace.js'
import { createUser } from '../src/users/create-user.js'
import { createScratchDatabase, TEST_SERVER_URL } from '../tests/helpers/databases.js'
import { ConsoleSession } from '../tests/helpers/console-session.js'
import { onCleanup, runBench } from './lib/cleanup.js'
import { MAX_PER_CONTACT, LONG_THREAD_MESSAGES, seedInbox } from './lib/inbox-seed.js'
import { inboxRoutes, readExpected } from './lib/inbox-routes.js'
import {
  countStatements,
  passes,
  timeRoute,
  timingLine,
  type RouteTiming,
} from './lib/request-timings.js'
import { printPlans } from './lib/inbox-plans.js'
import { recordingDb, type RecordingDb } from './lib/explain.js'
import { loadAverages } from './lib/report.js'

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    messages: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
  },
})
const CONTACTS = Number(args.contacts)
const MESSAGES = Number(args.messages)
const RUNS = Number(args.runs)
const WARMUP = Number(args.warmup)
const GOAL_MS = 50
const PASSWORD = 'bench password, long enough'
const USERS = { owner: 'Olivia Owner', sales: 'Sam Sales' }

async function createBenchWorkspace(db: Db, cipher: FieldCipher) {
  const workspaceId = await withSystem(db, (tx) =>
    createWorkspace(tx, { cipher }, { name: 'Inbox bench', phoneNumberId: '7000000000001' }),
  )
  const tag = randomBytes(3).toString('hex')
  const addUser = (role: Role, name: string) => {
    const email = `${role}.${tag}@bench.example`
    return withTenant(db, workspaceId, (tx) =>
      createUser(tx, { cipher }, { workspaceId, email, name, password: PASSWORD, role }),
    ).then((id) => ({ id, email }))
  }
  return {
    workspaceId,
    owner: await addUser('owner', USERS.owner),
    sales: await addUser('sales', USERS.sales),
  }
}

function appDeps(database: ReturnType<typeof connectDatabase>, cipher: FieldCipher): AppDeps {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'))
  onCleanup(() => {
    rmSync(dataDir, { recursive: true, force: true })
  })
  return {
    db: database.db,
    cipher,
    log: pino({ level: 'silent' }),
    sessionSecret: randomBytes(32).toString('base64url'),
    views: createRenderer(VIEWS_DIR),
    trustProxy: true,
    trustProxyHops: 1,
    whatsapp: { appSecret: 'bench-app-secret', verifyToken: 'bench-verify-token' },
    dataDir,
    // Jobs are recorded by nobody: the mark-read job a request enqueues is not the request's cost.
    jobs: { enqueue: () => Promise.resolve() },
    graph: { baseUrl: 'http://127.0.0.1:9', version: 'v26.0' },
    isReady: () => isMigrated(database.pool),
    now: () => new Date(),
  }
}

async function logIn(app: ParleyApp, email: string) {
  const session = new ConsoleSession(app)
  const response = await session.login(email, PASSWORD)
  if (response.status !== 303 || !session.cookie('parley_session')) {
    throw new Error(`login of ${email} failed: ${response.status}`)
  }
  return session
}

// The same routes on an app whose Drizzle handle records statements: one untimed request each,
// to count the round trips a request makes.
async function statementCounts(deps: AppDeps, recording: RecordingDb, routes: RouteOptions) {
  const app = createApp({ ...deps, db: recording.db })
  const counted = inboxRoutes({
    ...routes,
    owner: await logIn(app, routes.ownerEmail),
    sales: await logIn(app, routes.salesEmail),
  })
  const counts: number[] = []
  for (const route of counted) counts.push(await countStatements(route, recording.statements))
  return counts
}

type RouteOptions = Omit<Parameters<typeof inboxRoutes>[0], 'owner' | 'sales'> & {
  ownerEmail: string
  salesEmail: string
}

async function timeRoutes(deps: AppDeps, recording: RecordingDb, options: RouteOptions) {
  const counts = await statementCounts(deps, recording, options)
  const app = createApp(deps)
  const routes = inboxRoutes({
    ...options,
    owner: await logIn(app, options.ownerEmail),
    sales: await logIn(app, options.salesEmail),
  })
  console.log(`\nserver-side latency (app.request, body read), goal p95 < ${GOAL_MS} ms:`)
  console.log(`  load average before: ${loadAverages()}`)
  const timings: RouteTiming[] = []
  for (const [i, route] of routes.entries()) {
    const timing = {
      ...(await timeRoute(route, { warmup: WARMUP, runs: RUNS })),
      statements: counts[i],
    }
    timings.push(timing)
    console.log(`  ${timingLine(timing, GOAL_MS)}`)
  }
  console.log(`  load average after: ${loadAverages()}`)
  return timings
}

function validate() {
  const sizes = [CONTACTS, MESSAGES, RUNS, WARMUP]
  if (sizes.some((n) => !Number.isInteger(n) || n < 0) || CONTACTS < 1000 || RUNS < 1) {
    throw new Error('--contacts (≥ 1000), --messages, --runs and --warmup must be whole numbers')
  }
  const min = CONTACTS - 1 + LONG_THREAD_MESSAGES
  const max = (CONTACTS - 1) * MAX_PER_CONTACT + LONG_THREAD_MESSAGES
  if (MESSAGES < min || MESSAGES > max) throw new Error(`--messages must be ${min} to ${max}`)
}

runBench(async () => {
  validate()
  const scratch = await createScratchDatabase(
    process.env.BENCH_DATABASE_URL ?? TEST_SERVER_URL,
    'parley_bench',
  )
  if (args.keep) {
    onCleanup(() => {
      console.log(
        `\nkept ${scratch.url}; drop it with: drop database ${new URL(scratch.url).pathname.slice(1)} with (force)`,
      )
    })
  } else onCleanup(scratch.drop)
  // Dropping the scratch database cuts connections that are still closing; their errors say
  // nothing about the run.
  const database = connectDatabase(scratch.url, { log: pino({ level: 'fatal' }) })
  onCleanup(() => database.close())
  await runMigrations(database.pool)
  const cipher = createFieldCipher([randomBytes(32)])
  console.log(
    `inbox bench: ${CONTACTS} contacts, ${MESSAGES} messages; ${RUNS} timed requests per route ` +
      `after ${WARMUP} warm-up; ${cpus().length} CPUs, Node ${process.version}`,
  )

  const { workspaceId, owner, sales } = await createBenchWorkspace(database.db, cipher)
  const seedStarted = performance.now()
  const users = { ownerId: owner.id, salesId: sales.id }
  const seeded = await seedInbox(database.pool, cipher, {
    workspaceId,
    users,
    contacts: CONTACTS,
    messages: MESSAGES,
  })
  console.log(
    `seeded ${seeded.contacts} contacts and conversations, ${seeded.messages} messages ` +
      `(incl. VACUUM ANALYZE, CHECKPOINT) in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
  )
  const expected = await readExpected(database.pool, seeded, users)

  const deps = appDeps(database, cipher)
  const recording = recordingDb(database.pool)
  const timings = await timeRoutes(deps, recording, {
    ownerEmail: owner.email,
    salesEmail: sales.email,
    pool: database.pool,
    expected,
    ownerName: USERS.owner,
    rareName: seeded.rareName,
  })

  await printPlans({
    db: database.db,
    recording,
    cipher,
    workspaceId,
    users,
    seeded,
  })
  console.log(`\ngoal: p95 < ${GOAL_MS} ms for each`)
  for (const timing of timings) console.log(`  ${timingLine(timing, GOAL_MS)}`)
  return timings.every((timing) => passes(timing, GOAL_MS))
})
