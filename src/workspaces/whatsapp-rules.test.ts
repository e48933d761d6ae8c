import { describe, expect, it } from 'vitest'
import { GraphError, GraphUnreachableError } from '../whatsapp/graph-errors.js'
import { parseSettings } from './settings-schema.js'
import { checkedNumberOf, checkFailureOf, qualityWords, readConnection } from './whatsapp-rules.js'

const TOKEN = 'EAAG'.padEnd(40, 'x')

describe('readConnection', () => {
  it.each([
    [{ phoneNumberId: ' 106540352242922 ', accessToken: TOKEN }, false],
    [{ phoneNumberId: '12345', wabaId: '', accessToken: '' }, true],
    [{ phoneNumberId: '12345678901234567890', wabaId: '102290129340398' }, true],
  ])('accepts %j (token stored: %s)', (input, stored) => {
    expect(readConnection(input, stored).ok).toBe(true)
  })

  it.each([
    [{ phoneNumberId: '1234', accessToken: TOKEN }, false, 'phone number id must be 5 to 20'],
    [{ phoneNumberId: '+15550783881', accessToken: TOKEN }, false, 'phone number id'],
    [{ phoneNumberId: '123456789012345678901' }, true, 'phone number id'],
    [{ phoneNumberId: '12345', wabaId: 'acme', accessToken: TOKEN }, false, 'Business Account id'],
    [{ phoneNumberId: '12345', accessToken: ' ' }, false, 'none is stored'],
    [{ phoneNumberId: '12345' }, false, 'none is stored'],
    [{ phoneNumberId: '12345', accessToken: 'short' }, true, '20 to 4096'],
    [{ phoneNumberId: '12345', accessToken: `${TOKEN} ${TOKEN}` }, true, 'one piece of text'],
  ])('refuses %j (token stored: %s) saying %j', (input, stored, problem) => {
    const read = readConnection(input, stored)
    expect(read.ok).toBe(false)
    expect(read.ok ? [] : read.problems.join(' ')).toContain(problem)
  })

  it('lists every problem at once', () => {
    const read = readConnection({ phoneNumberId: 'x', wabaId: 'y' }, false)
    expect(read.ok ? [] : read.problems).toHaveLength(3)
  })

  it.each([
    [undefined, undefined],
    ['', null],
    [' 102290129340398 ', '102290129340398'],
  ])('reads the WABA id %j as %j (undefined keeps the stored one)', (wabaId, expected) => {
    const read = readConnection({ phoneNumberId: '12345', wabaId, accessToken: TOKEN }, false)
    expect(read.ok && read.connection.wabaId).toBe(expected)
  })

  it('keeps the stored token when the field is blank', () => {
    const read = readConnection({ phoneNumberId: '12345', accessToken: '  ' }, true)
    expect(read.ok && read.connection.accessToken).toBeUndefined()
  })
})

describe('checkFailureOf', () => {
  const graph = (status: number, code?: number) => new GraphError(status, code, 'refused')

  const failures: [unknown, string, string][] = [
    [graph(401, 190), 'validation_failed', 'refused the access token (error 190)'],
    [graph(401, 0), 'validation_failed', 'refused the access token (error 0)'],
    [graph(403, 10), 'validation_failed', 'not allowed to manage this number (error 10)'],
    [graph(403, 200), 'validation_failed', '(error 200)'],
    [graph(403, 299), 'validation_failed', '(error 299)'],
    [graph(400, 100), 'validation_failed', 'no phone number with id 12345'],
    [graph(404), 'validation_failed', 'no phone number with id 12345'],
    [graph(400, 4), 'validation_failed', 'limiting requests'],
    [graph(500, 2), 'whatsapp_unavailable', 'Could not reach WhatsApp, nothing was changed'],
    [graph(503), 'whatsapp_unavailable', 'Could not reach WhatsApp, nothing was changed'],
    [new GraphUnreachableError('timeout'), 'whatsapp_unavailable', 'Could not reach WhatsApp'],
    [new TypeError('fetch failed'), 'whatsapp_unavailable', 'Could not reach WhatsApp'],
    [graph(400, 131009), 'validation_failed', 'Meta refused the check (error 131009)'],
  ]

  it.each(failures)('reads %s as %s: %j', (error, code, message) => {
    const failure = checkFailureOf(error, '12345')
    expect(failure.code).toBe(code)
    expect(failure.message).toContain(message)
    expect(failure.message).toMatch(/nothing was changed/i)
  })
})

describe('qualityWords', () => {
  it.each([
    ['GREEN', 'High (green)'],
    ['RED', 'Low (red)'],
    ['UNKNOWN', 'Not rated yet'],
    ['NEW_VALUE', 'NEW_VALUE'],
    [null, 'Not given by Meta'],
  ])('says %j as %j', (rating, words) => {
    expect(qualityWords(rating)).toBe(words)
  })
})

describe('checkedNumberOf', () => {
  const stored = {
    whatsappNumber: {
      phoneNumberId: '12345',
      displayPhoneNumber: '+1 555-078-3881',
      verifiedName: 'Acme',
      checkedAt: '2026-12-03T17:00:00.000Z',
    },
  }

  it('reads the number checked for the connected id', () => {
    expect(checkedNumberOf(parseSettings(stored).whatsappNumber, '12345')).toMatchObject({
      displayPhoneNumber: '+1 555-078-3881',
      qualityRating: null,
    })
  })

  it.each([
    [stored, '67890'],
    [stored, null],
    [{}, '12345'],
    [null, '12345'],
    [{ whatsappNumber: { phoneNumberId: '12345' } }, '12345'],
  ])('reads %j for id %j as never checked', (settings, phoneNumberId) => {
    expect(checkedNumberOf(parseSettings(settings).whatsappNumber, phoneNumberId)).toBeNull()
  })
})
