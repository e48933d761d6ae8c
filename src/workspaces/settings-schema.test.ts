import { describe, expect, it } from 'vitest'
import { parseSettings } from './settings-schema.js'

describe('parseSettings', () => {
  it('fills every part with its default for an empty or unreadable value', () => {
    for (const stored of [{}, null, undefined, [], 'x']) {
      expect(parseSettings(stored)).toMatchObject({
        storeMessageContent: true,
        messagesPerSecond: 80,
        timezone: 'UTC',
        inbox: { roundRobin: false, maskPhonesForSales: false, markAsRead: true },
        consent: { overrides: {}, optOutButtons: ['Stop promotions', 'Parar promoções'] },
        whatsappNumber: null,
      })
    }
  })

  it.each([
    [{}, true],
    [{ storeMessageContent: true }, true],
    [{ storeMessageContent: 'false' }, true],
    [{ storeMessageContent: false }, false],
  ])('reads privacy mode from %j as storing content: %s', (stored, expected) => {
    expect(parseSettings(stored).storeMessageContent).toBe(expected)
  })

  it.each([
    [{ messagesPerSecond: 20.7 }, 20],
    [{ messagesPerSecond: 0.5 }, 80],
    [{ messagesPerSecond: '20' }, 80],
  ])('reads the send rate from %j as %s', (stored, expected) => {
    expect(parseSettings(stored).messagesPerSecond).toBe(expected)
  })

  it.each([
    [{ timezone: 'Asia/Jakarta' }, 'Asia/Jakarta'],
    [{ timezone: 'Nowhere/Else' }, 'UTC'],
    [{ timezone: 7 }, 'UTC'],
  ])('reads the time zone from %j as %s', (stored, zone) => {
    expect(parseSettings(stored).timezone).toBe(zone)
  })

  it.each([
    [{ inbox: { roundRobin: true } }, { roundRobin: true, markAsRead: true }],
    [{ inbox: { roundRobin: 'yes', markAsRead: false } }, { roundRobin: false, markAsRead: false }],
    [{ inbox: 3 }, { roundRobin: false, markAsRead: true }],
  ])('reads the inbox part of %j', (stored, expected) => {
    expect(parseSettings(stored).inbox).toMatchObject(expected)
  })

  it('keeps one bad part from undoing the others', () => {
    const parsed = parseSettings({
      storeMessageContent: false,
      consent: { overrides: 'broken' },
      inbox: { roundRobin: true },
    })
    expect(parsed.storeMessageContent).toBe(false)
    expect(parsed.inbox.roundRobin).toBe(true)
    expect(parsed.consent.overrides).toEqual({})
  })

  it('reads the consent lists with the workspace edits applied', () => {
    const parsed = parseSettings({
      consent: { overrides: { en: { optOut: { add: ['halt'] } } }, optOutButtons: ['No'] },
    })
    expect(parsed.consent.optOutButtons).toEqual(['No'])
    expect(JSON.stringify(parsed.consent.lists)).toContain('halt')
  })
})
