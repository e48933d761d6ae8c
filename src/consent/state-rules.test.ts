import { describe, expect, it } from 'vitest'
import { eventApplies } from './state-rules.js'

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 1, 12, 0, seconds))

describe('eventApplies', () => {
  it('applies the first event a contact ever has', () => {
    expect(
      eventApplies(
        'messaging',
        { state: 'subscribed', at: null },
        { state: 'opted_out', at: at(0) },
      ),
    ).toBe(true)
  })

  it('applies newer events and ignores older ones arriving late', () => {
    const current = { state: 'opted_out', at: at(10) }
    expect(eventApplies('messaging', current, { state: 'subscribed', at: at(11) })).toBe(true)
    expect(eventApplies('messaging', current, { state: 'subscribed', at: at(9) })).toBe(false)
  })

  it('keeps the restrictive state when two events share a second', () => {
    expect(
      eventApplies(
        'messaging',
        { state: 'opted_out', at: at(5) },
        { state: 'subscribed', at: at(5) },
      ),
    ).toBe(false)
    expect(
      eventApplies(
        'messaging',
        { state: 'subscribed', at: at(5) },
        { state: 'opted_out', at: at(5) },
      ),
    ).toBe(true)
    expect(
      eventApplies('marketing', { state: 'allowed', at: at(5) }, { state: 'stopped', at: at(5) }),
    ).toBe(true)
    expect(
      eventApplies('marketing', { state: 'stopped', at: at(5) }, { state: 'allowed', at: at(5) }),
    ).toBe(false)
  })
})
