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
