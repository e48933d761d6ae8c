import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'
import { generateKey } from './crypto/field-cipher.js'

const secrets = { DATA_ENCRYPTION_KEY: generateKey(), SESSION_SECRET: 'x'.repeat(40) }
const tempDir = () => mkdtempSync(join(tmpdir(), 'parley-config-'))

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ DATA_DIR: tempDir(), ...env })
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ ...secrets, DATA_DIR: tempDir() })
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      metaGraphUrl: 'https://graph.facebook.com',
      metaGraphVersion: 'v26.0',
      googleAdsApiUrl: 'https://googleads.googleapis.com',
      logLevel: 'info',
      trustProxy: false,
      trustProxyHops: 1,
      warnings: [],
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('lists every problem at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
      META_GRAPH_VERSION: '26',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    })
    expect(problems).toEqual([
      'PORT must be a whole number from 0 to 65535 (got "eighty")',
      'DATABASE_URL must be a postgres:// or postgresql:// URL',
      'META_GRAPH_VERSION must look like v26.0 (got "26")',
      'AI_MODEL is required when OPENAI_BASE_URL is set',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ])
  })

  it.each(['0', '-1', '1.5', 'two', '11'])('refuses TRUST_PROXY_HOPS=%s', (hops) => {
    expect(problemsOf({ TRUST_PROXY_HOPS: hops })).toEqual([
      `TRUST_PROXY_HOPS must be a whole number from 1 to 10 (got "${hops}")`,
    ])
  })

  it('reads TRUST_PROXY_HOPS', () => {
    const config = loadConfig({ ...secrets, DATA_DIR: tempDir(), TRUST_PROXY_HOPS: '2' })
    expect(config.trustProxyHops).toBe(2)
  })

  it('refuses production without real secrets', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'DATA_ENCRYPTION_KEY is required when NODE_ENV=production',
      'SESSION_SECRET is required when NODE_ENV=production',
    ])
  })

  it('rejects a short session secret and a malformed key without printing them', () => {
    const problems = problemsOf({ DATA_ENCRYPTION_KEY: 'c2hvcnQ=', SESSION_SECRET: 'short-secret' })
    expect(problems).toHaveLength(2)
    expect(problems.join(' ')).not.toContain('c2hvcnQ=')
    expect(problems.join(' ')).not.toContain('short-secret')
  })

  it('generates development secrets once, readable only by the owner, with a warning', () => {
    const dir = tempDir()
    const first = loadConfig({ DATA_DIR: dir })
    const second = loadConfig({ DATA_DIR: dir })
    expect(first.warnings[0]).toMatch(/development secrets/)
    expect(second.sessionSecret).toBe(first.sessionSecret)
    expect(
      second.dataEncryptionKeys[0]?.equals(first.dataEncryptionKeys[0] ?? Buffer.alloc(0)),
    ).toBe(true)
    const file = join(dir, 'dev-secrets.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('dataEncryptionKey')
  })

  it('reads a rotated key list, current key first', () => {
    const older = generateKey()
    const config = loadConfig({
      ...secrets,
      DATA_ENCRYPTION_KEY: `${secrets.DATA_ENCRYPTION_KEY}, ${older}`,
      DATA_DIR: tempDir(),
    })
    expect(config.dataEncryptionKeys).toHaveLength(2)
  })
})
