import { loadConfig, ConfigError, type Config } from '../config.js'
import { createLogger } from '../logger.js'
import { openDatabase } from '../db/client.js'
import { runMigrations } from '../db/migrate.js'
import { createFieldCipher } from '../crypto/field-cipher.js'
import { AppError } from '../errors.js'
import { startServer } from '../main.js'
import {
  apikeyCreate,
  apikeyList,
  apikeyRevoke,
  userCreate,
  workspaceConnect,
  workspaceCreate,
  type CommandDeps,
} from './commands.js'
import { loadDemo } from './demo.js'
import { userPassword } from './user-password.js'
import { webhooksReplay } from './webhooks.js'
import { auditVerify } from './audit.js'
import { createJobQueue } from '../jobs/runner.js'
import { helpFor } from './help.js'
import { oneLineLog } from './one-line-log.js'

type DataCommand = (deps: CommandDeps, argv: string[]) => Promise<unknown>

/** Every command but `serve`, by name. */
export const DATA_COMMANDS: Record<string, DataCommand> = {
  'workspace:create': workspaceCreate,
  'workspace:connect': workspaceConnect,
  'user:create': userCreate,
  'user:password': (deps, argv) => userPassword(deps, argv),
  'apikey:create': apikeyCreate,
  'apikey:list': apikeyList,
  'apikey:revoke': apikeyRevoke,
  'webhooks:replay': webhooksReplay,
  'audit:verify': auditVerify,
  demo: (deps) => loadDemo(deps),
  migrate: () => Promise.resolve({ migrated: true }),
}

const USAGE = `usage: parley <serve|${Object.keys(DATA_COMMANDS).join('|')}> [flags]`

/** Where a command writes: the process's stdout and stderr, or a test's buffers. */
export interface CommandOutput {
  stdout(text: string): void
  stderr(text: string): void
}

// Commands print JSON on stdout, so their logs go to stderr, one line each: a person reads
// them, and an error's stack says nothing to an operator.
async function runDataCommand(
  command: DataCommand,
  config: Config,
  argv: string[],
  output: CommandOutput,
) {
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel
  const log = createLogger(
    level,
    oneLineLog((text) => {
      output.stderr(text)
    }),
  )
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    log,
    joinRunning: true,
  })
  try {
    await runMigrations(database.pool)
    const cipher = createFieldCipher([...config.dataEncryptionKeys])
    const result = await command(
      {
        db: database.db,
        cipher,
        log,
        now: () => new Date(),
        jobs: createJobQueue(database.pool),
        graph: { baseUrl: config.metaGraphUrl, version: config.metaGraphVersion },
        dataDir: config.dataDir,
        shutdown: new AbortController().signal,
      },
      argv,
    )
    output.stdout(`${JSON.stringify(result)}\n`)
  } finally {
    await database.close()
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof ConfigError) return error.message
  if (error instanceof AppError) return `parley: ${error.detail ?? error.message}`
  const message = error instanceof Error ? error.message : String(error)
  return `parley: ${message.split('\n')[0] ?? 'failed'}`
}

/**
 * Runs a command other than `serve` to its end with these settings and returns its exit code;
 * `main` runs it for the process, tests in their own process.
 */
export async function runCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  output: CommandOutput,
): Promise<0 | 1> {
  const [name = '', ...rest] = argv
  const help = helpFor(argv)
  if (help !== undefined) {
    output.stdout(help)
    return 0
  }
  try {
    const config = loadConfig(env)
    const command = DATA_COMMANDS[name]
    if (!command) throw new AppError('validation_failed', `unknown command "${name}". ${USAGE}`)
    await runDataCommand(command, config, rest, output)
    return 0
  } catch (error) {
    output.stderr(`${describeFailure(error)}\n`)
    return 1
  }
}

/** Entry point of the `parley` command. */
export async function main(argv: string[]): Promise<void> {
  const output: CommandOutput = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }
  if (argv[0] !== 'serve' || helpFor(argv) !== undefined) {
    process.exit(await runCommand(argv, process.env, output))
  }
  try {
    const config = loadConfig(process.env)
    const log = createLogger(config.logLevel)
    for (const warning of config.warnings) log.warn(warning)
    await startServer(config, log)
  } catch (error) {
    output.stderr(`${describeFailure(error)}\n`)
    process.exit(1)
  }
}
