import { describe, expect, it } from 'vitest'
import { SEND_CATEGORIES, SEND_ORIGINS } from '../db/schema.js'
import { refusalFor, SERVICE_WINDOW_MS, type GateContact } from './gate-rules.js'

const now = new Date('2026-11-20T12:00:00Z')
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000)
const subscribed: GateContact = {
  consentState: 'subscribed',
  consentEventId: null,
  marketingState: 'allowed',
  lastInboundAt: minutesAgo(5),
}
const optedOut: GateContact = { ...subscribed, consentState: 'opted_out', consentEventId: 'e2' }

describe('refusalFor', () => {
  it('lets every category through to a subscribed contact inside the window', () => {
    for (const category of SEND_CATEGORIES) {
      expect(refusalFor(subscribed, { category, origin: 'api' }, now)).toBeUndefined()
    }
  })

  it('refuses everything to an opted-out contact, from every origin', () => {
    for (const category of SEND_CATEGORIES) {
      for (const origin of SEND_ORIGINS) {
        expect(refusalFor(optedOut, { category, origin }, now)).toBe('contact_opted_out')
      }
    }
  })

  it('lets through only the confirmation of the latest change', () => {
    const confirmation = { category: 'service', origin: 'confirmation' } as const
    expect(refusalFor(optedOut, { ...confirmation, consentEventId: 'e2' }, now)).toBeUndefined()
    expect(refusalFor(optedOut, { ...confirmation, consentEventId: 'e1' }, now)).toBe(
      'contact_opted_out',
    )
    expect(refusalFor(optedOut, { ...confirmation, consentEventId: null }, now)).toBe(
      'contact_opted_out',
    )
    // A confirmation of an earlier change is stale even when the contact may get messages.
    expect(refusalFor(subscribed, { ...confirmation, consentEventId: 'e1' }, now)).toBe(
      'confirmation_superseded',
    )
    // Another origin cannot borrow the confirmation's pass.
    expect(
      refusalFor(optedOut, { category: 'service', origin: 'api', consentEventId: 'e2' }, now),
    ).toBe('contact_opted_out')
  })

  it('treats a STOP on hold as an opt-out: only its own confirmation may follow', () => {
    const held = { ...subscribed, consentHeld: true, consentEventId: 'e1' }
    for (const origin of SEND_ORIGINS.filter((o) => o !== 'confirmation')) {
      expect(refusalFor(held, { category: 'utility', origin }, now)).toBe('contact_opted_out')
    }
    // The START confirmed by e1 is stale: the held STOP will get its own reply.
    const startReply = {
      category: 'service',
      origin: 'confirmation',
      consentEventId: 'e1',
    } as const
    expect(refusalFor(held, startReply, now)).toBe('confirmation_superseded')
    const stopReply = { category: 'service', origin: 'confirmation', consentEventId: 'e2' } as const
    expect(refusalFor({ ...optedOut, consentHeld: true }, stopReply, now)).toBeUndefined()
  })

  it('refuses marketing templates, and only those, when marketing is stopped', () => {
    const stopped = { ...subscribed, marketingState: 'stopped' }
    expect(refusalFor(stopped, { category: 'marketing', origin: 'broadcast' }, now)).toBe(
      'marketing_opted_out',
    )
    expect(refusalFor(stopped, { category: 'utility', origin: 'broadcast' }, now)).toBeUndefined()
    expect(refusalFor(stopped, { category: 'service', origin: 'console' }, now)).toBeUndefined()
  })

  it('needs the 24-hour window for free-form messages but not for templates', () => {
    const edge = { ...subscribed, lastInboundAt: new Date(now.getTime() - SERVICE_WINDOW_MS) }
    const inside = { ...subscribed, lastInboundAt: new Date(now.getTime() - SERVICE_WINDOW_MS + 1) }
    const never = { ...subscribed, lastInboundAt: null }
    expect(refusalFor(edge, { category: 'service', origin: 'console' }, now)).toBe(
      'outside_service_window',
    )
    expect(refusalFor(never, { category: 'service', origin: 'api' }, now)).toBe(
      'outside_service_window',
    )
    expect(refusalFor(inside, { category: 'service', origin: 'api' }, now)).toBeUndefined()
    expect(refusalFor(never, { category: 'utility', origin: 'api' }, now)).toBeUndefined()
  })
})
