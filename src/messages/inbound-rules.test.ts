import { describe, expect, it } from 'vitest'
import { parseMetaTime } from './inbound-rules.js'

const receivedAt = new Date('2026-12-03T18:00:00Z')

describe('parseMetaTime', () => {
  it.each([
    ['Unix seconds as a string', '1764784800', new Date('2025-12-03T18:00:00Z')],
    ['Unix seconds as a number', 1764784800, new Date('2025-12-03T18:00:00Z')],
    ['an hour ahead of arrival (clock drift)', '1796324400', new Date('2026-12-03T19:00:00Z')],
    ['10^20 seconds', '100000000000000000000', receivedAt],
    ['two days ahead of arrival', '1796500800', receivedAt],
    ['zero', '0', receivedAt],
    ['a negative time', '-5', receivedAt],
    ['not a number', 'soon', receivedAt],
    ['an empty string', '', receivedAt],
    ['nothing', undefined, receivedAt],
  ])('reads %s', (_, value, expected) => {
    expect(parseMetaTime(value, receivedAt)).toEqual(expected)
  })
})
