import { describe, expect, it } from 'vitest'
import { composerModeOf, templateRefusal } from './composer-rules.js'

const now = new Date('2026-12-01T12:00:00Z')
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000)
const contact = (changes: Partial<Parameters<typeof composerModeOf>[0]> = {}) => ({
  consentState: 'subscribed',
  consentEventId: null,
  marketingState: 'allowed',
  lastInboundAt: hoursAgo(1),
  ...changes,
})

describe('composerModeOf', () => {
  it('offers free text inside the window, saying when it closes', () => {
    expect(composerModeOf(contact(), now)).toEqual({
      kind: 'free_text',
      windowClosesAt: new Date('2026-12-02T11:00:00Z'),
    })
  })

  it.each([[hoursAgo(24)], [hoursAgo(30)], [null]])(
    'offers only templates when the last message was at %s',
    (lastInboundAt) => {
      expect(composerModeOf(contact({ lastInboundAt }), now)).toEqual({ kind: 'templates_only' })
    },
  )

  it('offers nothing to an opted-out contact, inside the window or not', () => {
    expect(composerModeOf(contact({ consentState: 'opted_out' }), now).kind).toBe('opted_out')
    const late = contact({ consentState: 'opted_out', lastInboundAt: hoursAgo(48) })
    expect(composerModeOf(late, now).kind).toBe('opted_out')
  })
})

describe('templateRefusal', () => {
  it.each([
    [contact(), 'marketing', undefined],
    [contact({ marketingState: 'stopped' }), 'marketing', 'marketing_opted_out'],
    [contact({ marketingState: 'stopped' }), 'utility', undefined],
    [contact({ consentState: 'opted_out' }), 'utility', 'contact_opted_out'],
    [contact({ lastInboundAt: hoursAgo(48) }), 'utility', undefined],
  ] as const)('for %o a %s template is refused with %s', (who, category, refusal) => {
    expect(templateRefusal(who, category, now)).toBe(refusal)
  })
})
