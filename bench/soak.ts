// Mixed use for minutes on end, on the embedded PostgreSQL that `npm start` runs without
// DATABASE_URL: signed webhooks, API reads, sends and consent changes, console pages (inbox,
// unread conversations with blue ticks on, replies) and a live stream, all at once. Every answer
// is checked; the verdict is zero errors. See bench/README.md.
//   npx tsx bench/soak.ts [--minutes 10] [--external]
import { parseArgs } from 'node:util'
import { runCli } from '../tests/helpers/cli.js'
import { FakeMetaGraph } from '../tests/fakes/meta-graph.js'
import { onCleanup, runBench } from './lib/cleanup.js'
import { eventStates, formatStates, waitForProcessing } from './lib/event-states.js'
import { startParley, type ParleyServer } from './lib/parley-server.js'
import { createPayloadGenerator } from './lib/payloads.js'
import { loadAverages, printLogProblems } from './lib/report.js'
import { createTally } from './lib/soak-tally.js'
import { apiWorker, consoleWorker, liveWorker, webhookWorker } from './lib/soak-workers.js'

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    external: { type: 'boolean', default: false },
  },
})
const DURATION_MS = Number(args.minutes) * 60_000
const TOKEN = 'soak-access-token'
const PASSWORD = 'soak passphrase 2026'

async function json(server: ParleyServer, argv: string[]): Promise<Record<string, string>> {
  const result = await runCli(argv, server.env)
  if (result.code !== 0) throw new Error(`parley ${argv[0] ?? ''} failed: ${result.stderr}`)
  return JSON.parse(result.stdout) as Record<string, string>
}

async function main() {
  const meta = new FakeMetaGraph({ version: 'v26.0', accessToken: TOKEN })
  const graph = await meta.start()
  onCleanup(() => graph.close())
  const server = await startParley({
    embedded: !args.external,
    accessToken: TOKEN,
    logLevel: 'warn',
    env: { META_GRAPH_URL: graph.baseUrl },
  })
  meta.templates.set(server.wabaId, [])
  const email = 'owner@soak.test'
  await json(
    server,
    ['user:create', '--workspace', server.workspaceId, '--email', email].concat([
      '--password',
      PASSWORD,
      '--role',
      'owner',
    ]),
  )
  const { key } = await json(server, [
    'apikey:create',
    '--workspace',
    server.workspaceId,
    '--role',
    'owner',
  ])
  const tally = createTally()
  const until = Date.now() + DURATION_MS
  const events = createPayloadGenerator({
    appSecret: server.appSecret,
    phoneNumberId: server.phoneNumberId,
    contacts: 300,
  })
  console.log(
    `soak: ${args.minutes} min on ${args.external ? 'a scratch database' : 'the embedded PostgreSQL'}; load ${loadAverages()}`,
  )
  await Promise.all([
    webhookWorker({ server, tally, until, events }),
    webhookWorker({ server, tally, until, events }),
    apiWorker({ server, tally, until, key: key ?? '' }),
    consoleWorker({ server, tally, until, email, password: PASSWORD }),
    consoleWorker({ server, tally, until, email, password: PASSWORD }),
    liveWorker({ server, tally, until, email, password: PASSWORD }),
  ])
  const drained = await waitForProcessing(server.pool, 120_000)
  const processed = await eventStates(server.pool)
  const ready = await fetch(`${server.baseUrl}/readyz`)
  tally.print()
  console.log(
    `webhook events: ${formatStates(processed)}; drained ${drained.ms} ms after the run${drained.done ? '' : ' (NOT drained in 2 min)'}`,
  )
  console.log(
    `fake Meta: ${meta.sends.length} sends, ${meta.reads.length} read receipts; ${meta.problems.length} malformed calls`,
  )
  console.log(
    `after the run: /readyz ${ready.status}, server running ${server.isRunning()}; load ${loadAverages()}`,
  )
  printLogProblems(server.logProblems())
  const clean = tally.errors() === 0 && processed.failed === 0 && meta.problems.length === 0
  return clean && drained.done && ready.status === 200
}

runBench(main)
