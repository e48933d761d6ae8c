import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import type { EmbeddedLog } from './embedded-log.js'
import type { EmbeddedBinaries } from './embedded-binaries.js'

/** Where the embedded cluster lives in DATA_DIR, and the password its `postgres` login uses. */
export interface Cluster {
  dir: string
  password: string
}

const CLUSTER = 'postgres'
const PASSWORD_FILE = 'postgres.password'
const PGLITE_FOLDER = 'pgdata'

/** Creates the cluster in DATA_DIR on first use; afterwards reads its password. */
export async function prepareCluster(
  dataDir: string,
  binaries: EmbeddedBinaries,
  log: EmbeddedLog,
): Promise<Cluster> {
  const root = path.resolve(dataDir)
  mkdirSync(root, { recursive: true })
  const dir = path.join(root, CLUSTER)
  const passwordFile = path.join(root, PASSWORD_FILE)
  if (existsSync(path.join(root, PGLITE_FOLDER))) {
    log.info(
      `${path.join(root, PGLITE_FOLDER)} holds the earlier embedded database (PGlite); it is not used or moved`,
    )
  }
  if (existsSync(path.join(dir, 'PG_VERSION'))) {
    if (!existsSync(passwordFile)) {
      throw new Error(`The embedded database in ${dir} has no password file ${passwordFile}`)
    }
    return { dir, password: readFileSync(passwordFile, 'utf8').trim() }
  }
  const password = randomBytes(24).toString('base64url')
  makeClusterFolder(root, dir, binaries.runAs)
  await initdb({ dir, password, binaries })
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 })
  return { dir, password }
}

// initdb wants an empty folder owned by the user the server runs as; a half-made one is redone.
function makeClusterFolder(root: string, dir: string, runAs: EmbeddedBinaries['runAs']) {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { mode: 0o700 })
  if (!runAs) return
  chownSync(dir, runAs.uid, runAs.gid)
  // DATA_DIR is Parley's own: the postgres user may pass through it (not list it).
  chmodSync(root, statSync(root).mode | 0o001)
  const reach = spawnSync('test', ['-w', dir], { ...runAs })
  if (reach.status !== 0) {
    throw new Error(
      `The OS user "postgres" (the embedded database's, since Parley runs as root) cannot reach ` +
        `${dir}: make the folders above DATA_DIR traversable (chmod o+x) or set DATA_DIR elsewhere.`,
    )
  }
}

async function initdb(options: { dir: string; password: string; binaries: EmbeddedBinaries }) {
  const { dir, password, binaries } = options
  // Beside the cluster: initdb refuses a folder that holds anything.
  const pwfile = path.join(path.dirname(dir), '.initdb-password')
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 })
  if (binaries.runAs) chownSync(pwfile, binaries.runAs.uid, binaries.runAs.gid)
  try {
    const args = [
      `--pgdata=${dir}`,
      '--username=postgres',
      '--auth=scram-sha-256',
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      `--locale=${bestLocale()}`,
      '--no-instructions',
    ]
    await run(binaries.initdb, args, binaries.runAs)
  } finally {
    rmSync(pwfile, { force: true })
  }
}

// A UTF-8 character type keeps the trigram name search working for names outside ASCII.
function bestLocale(): string {
  const listed = spawnSync('locale', ['-a'], { encoding: 'utf8' })
  const locales = new Set((listed.stdout || '').split('\n').map((l) => l.trim().toLowerCase()))
  return locales.has('c.utf8') || locales.has('c.utf-8') ? 'C.UTF-8' : 'C'
}

function run(program: string, args: string[], runAs: EmbeddedBinaries['runAs']): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      ...runAs,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '', LC_MESSAGES: 'C' },
    })
    let errors = ''
    child.stderr.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString('utf8')).slice(-2000)
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      if (code === 0) resolve()
      else reject(new Error(`initdb failed (exit ${String(code)}): ${errors.trim()}`))
    })
  })
}
