import { describe, expect, it } from 'vitest'
import { manualChoices } from './manual-choices.js'

describe('manualChoices', () => {
  it.each([
    [{ state: 'subscribed', marketing: 'allowed' }, ['messaging', 'marketing'], []],
    [{ state: 'opted_out', marketing: 'allowed' }, ['marketing'], ['messaging']],
    [{ state: 'subscribed', marketing: 'stopped' }, ['messaging'], ['marketing']],
    [{ state: 'opted_out', marketing: 'stopped' }, [], ['messaging', 'marketing']],
  ])('offers %j opt-out %j and opt-in %j', (consent, optOut, optIn) => {
    expect(manualChoices(consent)).toEqual({ optOut, optIn })
  })
})
