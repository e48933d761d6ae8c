import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, it, expect } from 'vitest'
import { acquireDataDirLock } from './lockfile.js'

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'parley-lock-'))
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''])
  if (child.error) throw child.error
  return child.pid
}

describe('acquireDataDirLock', () => {
  it('creates the data directory and writes our pid', () => {
    const dir = path.join(tempDir(), 'nested', 'data')
    const release = acquireDataDirLock(dir)
    const lockPath = path.join(dir, 'parley.lock')
    expect(fs.readFileSync(lockPath, 'utf8').trim()).toBe(String(process.pid))
    release()
    expect(fs.existsSync(lockPath)).toBe(false)
  })

  it('refuses a second lock while a live process holds it', () => {
    const dir = tempDir()
    const release = acquireDataDirLock(dir)
    expect(() => acquireDataDirLock(dir)).toThrow(
      `Another Parley process (pid ${process.pid}) is using the data directory ${dir}; ` +
        'stop it first or set DATA_DIR to another folder.',
    )
    release()
    acquireDataDirLock(dir)()
  })

  it('takes over a lock left by a process that has exited', () => {
    const dir = tempDir()
    const lockPath = path.join(dir, 'parley.lock')
    fs.writeFileSync(lockPath, `${deadPid()}\n`)
    const release = acquireDataDirLock(dir)
    expect(fs.readFileSync(lockPath, 'utf8').trim()).toBe(String(process.pid))
    release()
    expect(fs.existsSync(lockPath)).toBe(false)
  })

  it('replaces a lock file with garbage in it', () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'parley.lock'), 'not a pid')
    const release = acquireDataDirLock(dir)
    release()
    expect(fs.existsSync(path.join(dir, 'parley.lock'))).toBe(false)
  })

  it('release is idempotent and leaves a lock it no longer owns alone', () => {
    const dir = tempDir()
    const lockPath = path.join(dir, 'parley.lock')
    const release = acquireDataDirLock(dir)
    fs.writeFileSync(lockPath, '999999999\n')
    release()
    release()
    expect(fs.readFileSync(lockPath, 'utf8').trim()).toBe('999999999')
  })
})
