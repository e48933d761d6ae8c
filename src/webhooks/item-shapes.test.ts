import { describe, expect, it } from 'vitest'
import { checkChange, isMarkedMalformed, markMalformed } from './item-shapes.js'

const message = { from: '15551234567', id: 'wamid.1', timestamp: '1700000000', type: 'text' }
const status = { id: 'wamid.2', status: 'read', timestamp: '1700000000', recipient_id: '1555' }

const change = (value: Record<string, unknown>) => checkChange(value, '0.0')

describe('checkChange', () => {
  it('keeps a well-formed change as it is, with nothing malformed', () => {
    const value = { messages: [message], statuses: [status], contacts: [{ wa_id: '1555' }] }
    expect(change(value)).toEqual({ value, malformed: [] })
  })

  it.each([
    ['null', null, /message 0: is not an object/],
    ['from as a number', { ...message, from: 15551234567 }, /message 0: "from"/],
    ['no id', { ...message, id: undefined }, /message 0: "id"/],
    ['an empty type', { ...message, type: '' }, /message 0: "type"/],
    ['text as a string', { ...message, text: 'hi' }, /message 0: "text" is not an object/],
    ['a reaction to nothing', { ...message, reaction: {} }, /names no message/],
    ['a timestamp object', { ...message, timestamp: {} }, /"timestamp"/],
  ])('leaves out a message with %s and says why, keeping the valid one', (_, bad, reason) => {
    const { value, malformed } = change({ messages: [bad, message] })
    expect(value.messages).toEqual([message])
    expect(malformed).toHaveLength(1)
    expect(malformed[0]).toMatch(reason)
  })

  it('leaves out a status without id and an error whose code is not a number', () => {
    const { id: _id, ...noId } = status
    const { value, malformed } = change({
      statuses: [noId, status],
      errors: [{ code: 'x' }, { code: 131056 }],
    })
    expect(value.statuses).toEqual([status])
    expect(value.errors).toEqual([{ code: 131056 }])
    expect(malformed).toEqual([
      'change 0.0 status 0: "id" is missing or of the wrong type',
      'change 0.0 error 0: "code" is missing or of the wrong type',
    ])
  })

  it('reports a list given as an object and applies nothing from it', () => {
    const { value, malformed } = change({ messages: message, statuses: [status] })
    expect(value.messages).toEqual([])
    expect(value.statuses).toEqual([status])
    expect(malformed).toEqual(['change 0.0: "messages" is not a list'])
  })

  it('names place and field only, never the content', () => {
    const { malformed } = change({ messages: [{ ...message, from: 'secret', id: 7 }] })
    expect(malformed.join()).not.toContain('secret')
  })
})

describe('markMalformed', () => {
  it('puts the reason in place of a message nested too deep or a status without id', () => {
    let context: unknown = 1
    for (let i = 0; i < 50; i++) context = { a: context }
    const { id: _id, ...noId } = status
    const marked = markMalformed({ messages: [{ ...message, context }, message], statuses: [noId] })
    expect(marked.messages).toEqual([{ parley_malformed: 'nests deeper than 16 levels' }, message])
    expect((marked.statuses as unknown[]).every(isMarkedMalformed)).toBe(true)
    expect(change(marked).malformed).toEqual([
      'change 0.0 message 0: nests deeper than 16 levels',
      'change 0.0 status 0: "id" is missing or of the wrong type',
    ])
  })
})
