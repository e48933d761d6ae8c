import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(import.meta.dirname, '..')

// Files that answer HTTP: a feature's console.ts and api.ts, the webhook routes, src/http/.
function routeFiles(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((path) => /(^|\/)(console|api|routes)\.ts$|^http\/.*\.ts$/.test(path))
    .map((path) => join(SRC, path))
}

describe('the service credentials seam', () => {
  it('is imported by no file that answers HTTP, so no route can return a secret', () => {
    const files = routeFiles()
    expect(files.length).toBeGreaterThan(10)
    const importing = files.filter((file) =>
      /from '[./]*credentials\/services\.js'/.test(readFileSync(file, 'utf8')),
    )
    expect(importing.map((file) => relative(SRC, file))).toEqual([])
  })
})
