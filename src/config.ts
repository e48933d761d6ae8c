import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { generateKey, parseKeyList } from './crypto/field-cipher.js'

/** Everything Parley reads from the environment, validated and frozen. */
export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test'
  readonly port: number
  readonly databaseUrl: string | undefined
  readonly dataDir: string
  readonly whatsapp: { readonly appSecret?: string; readonly verifyToken?: string }
  readonly metaGraphUrl: string
  readonly metaGraphVersion: string
  readonly googleAdsApiUrl: string
  readonly ai: { readonly baseUrl?: string; readonly apiKey?: string; readonly model?: string }
  readonly dataEncryptionKeys: readonly Buffer[]
  readonly sessionSecret: string
  readonly logLevel: string
  readonly trustProxy: boolean
  /** How many proxies in front of Parley append to X-Forwarded-For (TRUST_PROXY_HOPS). */
  readonly trustProxyHops: number
  /** Problems a running instance should warn about (e.g. generated dev secrets). */
  readonly warnings: readonly string[]
}

/** Thrown when start-up must be refused; the message lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

type Env = Record<string, string | undefined>
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const MIN_SESSION_SECRET = 32

/** Reads and validates the environment; throws ConfigError listing every problem. */
export function loadConfig(env: Env): Config {
  const problems: string[] = []
  const warnings: string[] = []
  const nodeEnv = parseNodeEnv(env.NODE_ENV, problems)
  const dataDir = resolve(nonEmpty(env.DATA_DIR) ?? './data')
  const secrets = resolveSecrets({ env, nodeEnv, dataDir, problems, warnings })
  const config: Config = {
    nodeEnv,
    port: parsePort(env.PORT, problems),
    databaseUrl: parseDatabaseUrl(env.DATABASE_URL, problems),
    dataDir,
    whatsapp: optionalFields({
      appSecret: nonEmpty(env.WHATSAPP_APP_SECRET),
      verifyToken: nonEmpty(env.WHATSAPP_VERIFY_TOKEN),
    }),
    metaGraphUrl: parseUrl(
      'META_GRAPH_URL',
      env.META_GRAPH_URL,
      'https://graph.facebook.com',
      problems,
    ),
    metaGraphVersion: parseGraphVersion(env.META_GRAPH_VERSION, problems),
    googleAdsApiUrl: parseUrl(
      'GOOGLE_ADS_API_URL',
      env.GOOGLE_ADS_API_URL,
      'https://googleads.googleapis.com',
      problems,
    ),
    ai: parseAi(env, problems),
    dataEncryptionKeys: secrets.dataEncryptionKeys,
    sessionSecret: secrets.sessionSecret,
    logLevel: parseLogLevel(env.LOG_LEVEL, problems),
    trustProxy: parseBoolean('TRUST_PROXY', env.TRUST_PROXY, problems),
    trustProxyHops: parseProxyHops(env.TRUST_PROXY_HOPS, problems),
    warnings,
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze(config)
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}

function optionalFields<T extends Record<string, string | undefined>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>
}

function parseNodeEnv(value: string | undefined, problems: string[]): Config['nodeEnv'] {
  const v = nonEmpty(value) ?? 'development'
  if (v === 'development' || v === 'production' || v === 'test') return v
  problems.push(`NODE_ENV must be development, production or test (got "${v}")`)
  return 'development'
}

function parsePort(value: string | undefined, problems: string[]): number {
  const v = nonEmpty(value) ?? '3000'
  const port = Number(v)
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port
  problems.push(`PORT must be a whole number from 0 to 65535 (got "${v}")`)
  return 3000
}

function parseDatabaseUrl(value: string | undefined, problems: string[]): string | undefined {
  const v = nonEmpty(value)
  if (v === undefined) return undefined
  if (/^postgres(ql)?:\/\//.test(v) && URL.canParse(v)) return v
  problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL')
  return undefined
}

function parseUrl(name: string, value: string | undefined, fallback: string, problems: string[]) {
  const v = nonEmpty(value) ?? fallback
  if (/^https?:\/\//.test(v) && URL.canParse(v)) return v.replace(/\/+$/, '')
  problems.push(`${name} must be an http(s) URL (got "${v}")`)
  return fallback
}

function parseGraphVersion(value: string | undefined, problems: string[]): string {
  const v = nonEmpty(value) ?? 'v26.0'
  if (/^v\d+\.\d+$/.test(v)) return v
  problems.push(`META_GRAPH_VERSION must look like v26.0 (got "${v}")`)
  return 'v26.0'
}

function parseAi(env: Env, problems: string[]): Config['ai'] {
  const baseUrl = nonEmpty(env.OPENAI_BASE_URL)
  const ai = optionalFields({
    baseUrl: baseUrl === undefined ? undefined : parseUrl('OPENAI_BASE_URL', baseUrl, '', problems),
    apiKey: nonEmpty(env.OPENAI_API_KEY),
    model: nonEmpty(env.AI_MODEL),
  })
  if (ai.baseUrl !== undefined && ai.model === undefined) {
    problems.push('AI_MODEL is required when OPENAI_BASE_URL is set')
  }
  return ai
}

function parseLogLevel(value: string | undefined, problems: string[]): string {
  const v = nonEmpty(value) ?? 'info'
  if (LOG_LEVELS.includes(v)) return v
  problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${v}")`)
  return 'info'
}

const MAX_PROXY_HOPS = 10

function parseProxyHops(value: string | undefined, problems: string[]): number {
  const v = nonEmpty(value) ?? '1'
  const hops = Number(v)
  if (/^\d+$/.test(v) && hops >= 1 && hops <= MAX_PROXY_HOPS) return hops
  problems.push(`TRUST_PROXY_HOPS must be a whole number from 1 to ${MAX_PROXY_HOPS} (got "${v}")`)
  return 1
}

function parseBoolean(name: string, value: string | undefined, problems: string[]): boolean {
  const v = nonEmpty(value)?.toLowerCase() ?? 'false'
  if (['1', 'true', 'yes'].includes(v)) return true
  if (['0', 'false', 'no'].includes(v)) return false
  problems.push(`${name} must be true or false (got "${v}")`)
  return false
}

interface SecretInputs {
  env: Env
  nodeEnv: Config['nodeEnv']
  dataDir: string
  problems: string[]
  warnings: string[]
}

function resolveSecrets(input: SecretInputs): Pick<Config, 'dataEncryptionKeys' | 'sessionSecret'> {
  const { env, nodeEnv, problems } = input
  const keyText = nonEmpty(env.DATA_ENCRYPTION_KEY)
  const sessionSecret = nonEmpty(env.SESSION_SECRET)
  const missing = [keyText ? null : 'DATA_ENCRYPTION_KEY', sessionSecret ? null : 'SESSION_SECRET']
  const missingNames = missing.filter((name): name is string => name !== null)
  if (missingNames.length > 0 && nodeEnv === 'production') {
    for (const name of missingNames) problems.push(`${name} is required when NODE_ENV=production`)
  }
  const dev = missingNames.length > 0 && nodeEnv !== 'production' ? devSecrets(input) : undefined
  let dataEncryptionKeys: Buffer[] = []
  try {
    dataEncryptionKeys = parseKeyList(keyText ?? dev?.dataEncryptionKey ?? '')
  } catch (error) {
    if (keyText !== undefined) problems.push(`DATA_ENCRYPTION_KEY: ${(error as Error).message}`)
  }
  const secret = sessionSecret ?? dev?.sessionSecret ?? ''
  if (sessionSecret !== undefined && sessionSecret.length < MIN_SESSION_SECRET) {
    problems.push(`SESSION_SECRET must be at least ${MIN_SESSION_SECRET} characters`)
  }
  return { dataEncryptionKeys, sessionSecret: secret }
}

interface DevSecrets {
  dataEncryptionKey: string
  sessionSecret: string
}

// Development convenience only: secrets are generated once and kept beside the embedded
// database so restarts can still decrypt what was stored.
function devSecrets({ dataDir, warnings, problems }: SecretInputs): DevSecrets | undefined {
  const file = resolve(dataDir, 'dev-secrets.json')
  try {
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true })
      const fresh: DevSecrets = {
        dataEncryptionKey: generateKey(),
        sessionSecret: randomBytes(32).toString('base64url'),
      }
      writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' })
    }
    warnings.push(
      `DATA_ENCRYPTION_KEY or SESSION_SECRET not set: using development secrets from ${file}. ` +
        'Set both in production.',
    )
    return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets
  } catch (error) {
    problems.push(`could not read or create development secrets in ${file}: ${String(error)}`)
    return undefined
  }
}
