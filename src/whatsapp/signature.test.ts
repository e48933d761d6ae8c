import { describe, expect, it } from 'vitest'
import { isValidSignature, signBody } from './signature.js'

const secret = 'app-secret'
const body = Buffer.from('{"object":"whatsapp_business_account","text":"¿Qué tal? @ana 👋"}')

describe('isValidSignature', () => {
  it('accepts the HMAC of the exact bytes, also in upper-case hex', () => {
    const header = signBody(body, secret)
    expect(isValidSignature(body, header, secret)).toBe(true)
    expect(isValidSignature(body, 'sha256=' + header.slice(7).toUpperCase(), secret)).toBe(true)
  })

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['a header without the sha256= prefix', signBody(body, secret).slice(7)],
    ['a truncated digest', signBody(body, secret).slice(0, 40)],
    ['a digest with non-hex characters', 'sha256=' + 'z'.repeat(64)],
    ['a digest made with another secret', signBody(body, 'other-secret')],
  ])('refuses %s', (_, header) => {
    expect(isValidSignature(body, header, secret)).toBe(false)
  })

  it('refuses a re-serialised body whose bytes differ from what was signed', () => {
    const escaped = body.toString().replace('👋', '\\ud83d\\udc4b')
    expect(isValidSignature(Buffer.from(escaped), signBody(body, secret), secret)).toBe(false)
  })

  it('fails closed when no app secret is configured', () => {
    expect(isValidSignature(body, signBody(body, ''), undefined)).toBe(false)
    expect(isValidSignature(body, signBody(body, ''), '')).toBe(false)
  })
})
