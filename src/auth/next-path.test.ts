import { describe, expect, it } from 'vitest'
import { safeNextPath } from './next-path.js'

describe('safeNextPath', () => {
  it.each([
    '/',
    '/conversations/0b5e8f0e-3c4f-4a57-9a57-0d5c1a2b3c4d',
    '/contacts?q=ana&page=2',
    '/inbox#latest',
    '/%2F%2Fevil.com',
  ])('keeps the local path %s', (path) => {
    expect(safeNextPath(path)).toBe(path)
  })

  it.each([
    ['nothing', undefined],
    ['an empty value', ''],
    ['a protocol-relative URL', '//evil.com'],
    ['a protocol-relative URL with a path', '//evil.com/login'],
    ['an absolute URL', 'https://evil.com'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a backslash host', '/\\evil.com'],
    ['a backslash later on', '/inbox\\..\\evil'],
    ['a tab browsers would drop', '/\t/evil.com'],
    ['a newline', '/inbox\r\nSet-Cookie: x=1'],
    ['a space', '/ /evil.com'],
    ['a relative path', 'inbox'],
    ['an overlong path', `/${'a'.repeat(2048)}`],
  ])('refuses %s', (_why, next) => {
    expect(safeNextPath(next)).toBeUndefined()
  })
})
