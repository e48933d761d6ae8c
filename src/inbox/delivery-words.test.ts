import { describe, expect, it } from 'vitest'
import { deliveryWords, failureWords, skipWords } from './delivery-words.js'

describe('deliveryWords', () => {
  it.each([
    ['queued', null, 'Sending…'],
    ['delivered', null, 'Delivered'],
    ['read', null, 'Read'],
    [
      'failed',
      { code: 131026 },
      'Failed: Undeliverable: the number may not be on WhatsApp, or its app is too old (code 131026)',
    ],
    ['failed', { code: 999999, title: 'Something new' }, 'Failed: Something new (code 999999)'],
    ['failed', { code: 0, title: 'the send has no content' }, 'Failed: the send has no content'],
  ])('says %s (%o) as %s', (state, failure, words) => {
    expect(deliveryWords(state, failure)).toBe(words)
  })
})

describe('failureWords', () => {
  it('says when Meta gave no reason', () => {
    expect(failureWords(null)).toBe('WhatsApp gave no reason')
  })
})

describe('skipWords', () => {
  it.each([
    ['contact_opted_out', 'Not sent: the contact has opted out'],
    ['outside_service_window', 'Not sent: more than 24 hours since the contact last wrote'],
    [null, 'Not sent'],
  ])('says %s as %s', (reason, words) => {
    expect(skipWords(reason)).toBe(words)
  })
})
