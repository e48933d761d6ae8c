import { describe, expect, it } from 'vitest'
import { storesMessageContent } from './settings.js'

describe('storesMessageContent', () => {
  it.each([
    [{}, true],
    [null, true],
    [{ storeMessageContent: true }, true],
    [{ storeMessageContent: 'false' }, true],
    [{ storeMessageContent: false }, false],
  ])('reads %j as %s', (settings, expected) => {
    expect(storesMessageContent(settings)).toBe(expected)
  })
})
