import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger, maskPhone } from './logger.js'

function capture() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    },
  })
  return { log: createLogger('info', stream), lines }
}

describe('maskPhone', () => {
  it.each([
    ['+919876543210', '+91 ••••• 43210'],
    ['919876543210', '91 ••••• 43210'],
    ['+1 415-555-0123', '+14 ••••• 50123'],
    ['12345', '12345'],
  ])('%s → %s', (input, masked) => {
    expect(maskPhone(input)).toBe(masked)
  })
})

describe('the logger', () => {
  it('masks phone numbers in messages and fields, at any depth', () => {
    const { log, lines } = capture()
    log.info({ contact: { wa_id: '919876543210' }, list: ['+14155550123'] }, 'from +919876543210')
    const line = JSON.stringify(lines[0])
    expect(line).not.toContain('9876543210')
    expect(line).not.toContain('4155550123')
    expect(line).toContain('91 ••••• 43210')
  })

  it('redacts secrets and message bodies', () => {
    const { log, lines } = capture()
    log.info(
      { password: 'hunter22', text: 'my private message', req: { authorization: 'Bearer pk_x' } },
      'x',
    )
    const line = JSON.stringify(lines[0])
    expect(line).not.toContain('hunter22')
    expect(line).not.toContain('my private message')
    expect(line).not.toContain('pk_x')
  })

  it('leaves ids and timestamps alone', () => {
    const { log, lines } = capture()
    const id = '1b77d892-7451-4b48-a506-d197c5ec8c16'
    log.info({ workspaceId: id, at: '2026-11-23T10:00:00Z' }, 'ok')
    expect(lines[0]).toMatchObject({ workspaceId: id, at: '2026-11-23T10:00:00Z' })
  })
})

describe('the logger on errors', () => {
  it('masks phone numbers in an error’s message and stack', () => {
    const { log, lines } = capture()
    log.error({ err: new Error('no contact +919876543210') }, 'failed')
    log.error(new Error('lookup 919876543210 failed'))
    const line = JSON.stringify(lines)
    expect(line).not.toContain('9876543210')
    expect(line).toContain('91 ••••• 43210')
    expect(lines[0]).toMatchObject({
      err: { type: 'Error', message: 'no contact +91 ••••• 43210' },
    })
  })

  it('logs no query values of a database error, nested or not', () => {
    const { log, lines } = capture()
    const pgError = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
      constraint: 'contacts_phone_key',
      detail: 'Key (phone)=(+14155550123) already exists.',
    })
    const query = 'insert into contacts (name, phone) values ($1, $2)'
    const failed = Object.assign(
      new Error(`Failed query: ${query}\nparams: Ana Secret,+14155550123`),
      { query, params: ['Ana Secret', '+14155550123'], cause: pgError },
    )
    log.error({ err: failed }, 'unhandled error')
    log.warn({ event: { failure: failed } }, 'event failed')
    log.warn(
      { a: { b: { c: { d: { e: { f: { g: { h: failed, n: '+14155550123' } } } } } } } },
      'deep',
    )
    const line = JSON.stringify(lines)
    expect(line).not.toContain('Ana Secret')
    expect(line).not.toContain('4155550123')
    expect(line).toContain('Failed query: insert into contacts')
    expect(line).toContain('contacts_phone_key')
  })
})
