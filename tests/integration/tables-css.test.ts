import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../src/paths.js'

const read = (...path: string[]) => readFileSync(join(PROJECT_ROOT, ...path), 'utf8')

describe('tables', () => {
  // Checked by eye with Chromium at 1280 and 360 px; these keep what was seen from coming back.
  it('never break a table cell mid-word ("Keywor d", split phone numbers and IPs)', () => {
    const rules = read('public', 'app.css')
      .replace(/\/\*[^]*?\*\//g, '')
      .split('}')
    const anywhere = rules.filter(
      (rule) => /\b(td|th)\b[^{]*\{/.test(rule) && /anywhere/.test(rule),
    )
    expect(anywhere).toEqual([])
  })

  it('label every Users cell, which is all a phone shows without the header row', () => {
    const cells = read('views', 'users', 'panel.eta').match(/<td[^>]*>/g) ?? []
    expect(cells.length).toBeGreaterThan(0)
    expect(cells.filter((cell) => !cell.includes('data-label='))).toEqual([])
    expect(read('public', 'app.css')).toMatch(
      /table\.users td::before\s*\{\s*content: attr\(data-label\)/,
    )
  })
})
