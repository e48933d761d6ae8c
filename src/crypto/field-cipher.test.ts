import { createHmac, randomBytes } from 'node:crypto'
import { describe, it, expect } from 'vitest'
import { FieldCipherError, createFieldCipher, generateKey, parseKeyList } from './field-cipher.js'

const keyA = Buffer.alloc(32, 0xa1)
const keyB = Buffer.alloc(32, 0xb2)

function splitToken(token: string): string[] {
  const parts = token.split('.')
  expect(parts).toHaveLength(5)
  return parts
}

// Flips one bit in the decoded bytes of a base64url part and re-encodes it.
function flipByte(part: string): string {
  const bytes = Buffer.from(part, 'base64url')
  bytes[0] = (bytes[0] ?? 0) ^ 0x01
  return bytes.toString('base64url')
}

function thrownMessage(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  throw new Error('expected the call to throw')
}

function replacePart(token: string, index: number, value: string): string {
  const parts = splitToken(token)
  parts[index] = value
  return parts.join('.')
}

describe('createFieldCipher encrypt/decrypt', () => {
  const cipher = createFieldCipher([keyA])

  it.each([
    ['ASCII text', 'hello, +44 7700 900123'],
    ['the empty string', ''],
    ['emoji and other unicode', 'héllo 👋🏽 世界 \u0000 ok'],
    ['a 10 KB string', 'x'.repeat(10 * 1024)],
  ])('round-trips %s', (_label, plaintext) => {
    expect(cipher.decrypt(cipher.encrypt(plaintext))).toBe(plaintext)
  })

  it('produces a compact v1.<keyId>.<iv>.<ciphertext>.<tag> string', () => {
    const token = cipher.encrypt('secret')
    expect(token).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]{16}\.[\w-]*\.[\w-]{22}$/)
    expect(splitToken(token)[1]).toBe(cipher.currentKeyId)
    expect(token).not.toContain('secret')
  })

  it('produces different ciphertexts for two encryptions of the same text', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'))
  })
})

describe('createFieldCipher tamper detection', () => {
  const cipher = createFieldCipher([keyA, keyB])
  const other = createFieldCipher([keyB])
  const token = cipher.encrypt('tamper me')
  const parts = splitToken(token)

  it.each([
    ['a byte in the ciphertext is flipped', replacePart(token, 3, flipByte(parts[3] ?? ''))],
    ['a byte in the tag is flipped', replacePart(token, 4, flipByte(parts[4] ?? ''))],
    ['a byte in the IV is flipped', replacePart(token, 2, flipByte(parts[2] ?? ''))],
    ['the key id is swapped to another configured key', replacePart(token, 1, other.currentKeyId)],
  ])('rejects the ciphertext when %s', (_label, tampered) => {
    expect(() => cipher.decrypt(tampered)).toThrow(FieldCipherError)
    expect(() => cipher.decrypt(tampered)).toThrow(/failed authentication/)
  })

  it.each([
    ['too few parts', 'v1.abcdef01.aaaa'],
    ['an unknown version', token.replace(/^v1\./, 'v2.')],
    ['a non-hex key id', replacePart(token, 1, 'zzzzzzzz')],
    ['a truncated tag', replacePart(token, 4, (parts[4] ?? '').slice(0, 10))],
    ['invalid base64url characters', replacePart(token, 3, '!!!!')],
    ['an empty string', ''],
  ])('rejects a malformed string with %s', (_label, malformed) => {
    expect(() => cipher.decrypt(malformed)).toThrow(FieldCipherError)
  })

  it('never includes the plaintext in the error message', () => {
    const tampered = replacePart(token, 4, flipByte(parts[4] ?? ''))
    expect(thrownMessage(() => cipher.decrypt(tampered))).not.toContain('tamper me')
  })

  it('rejects an unknown key id with a message naming it', () => {
    const foreign = createFieldCipher([randomBytes(32)])
    const sealed = foreign.encrypt('hi')
    expect(() => cipher.decrypt(sealed)).toThrow(FieldCipherError)
    expect(() => cipher.decrypt(sealed)).toThrow(
      `unknown encryption key id ${foreign.currentKeyId}`,
    )
  })
})

describe('createFieldCipher key rotation', () => {
  it('still decrypts text encrypted under the old key and encrypts new text under the new key', () => {
    const before = createFieldCipher([keyA])
    const sealed = before.encrypt('written before rotation')
    const after = createFieldCipher([keyB, keyA])

    expect(after.decrypt(sealed)).toBe('written before rotation')
    expect(after.currentKeyId).not.toBe(before.currentKeyId)
    expect(splitToken(after.encrypt('new'))[1]).toBe(after.currentKeyId)
    expect(before.decrypt.bind(before, after.encrypt('new'))).toThrow(/unknown encryption key id/)
  })

  it('derives the same key id for the same key', () => {
    expect(createFieldCipher([keyA]).currentKeyId).toBe(createFieldCipher([keyA]).currentKeyId)
    expect(createFieldCipher([keyA]).currentKeyId).toMatch(/^[0-9a-f]{8}$/)
  })

  it.each([
    ['a 16-byte key', [Buffer.alloc(16)]],
    ['a 33-byte older key', [keyA, Buffer.alloc(33)]],
    ['an empty key list', []],
  ])('rejects %s', (_label, keys) => {
    expect(() => createFieldCipher(keys)).toThrow()
  })
})

describe('createFieldCipher blind index', () => {
  const value = '447700900123'

  it('is stable for the same key and value', () => {
    expect(createFieldCipher([keyA]).blindIndex(value)).toBe(
      createFieldCipher([keyA]).blindIndex(value),
    )
  })

  it('differs across keys and across values', () => {
    const a = createFieldCipher([keyA])
    expect(a.blindIndex(value)).not.toBe(createFieldCipher([keyB]).blindIndex(value))
    expect(a.blindIndex(value)).not.toBe(a.blindIndex('447700900124'))
  })

  it('uses a derived sub-key rather than the raw data key', () => {
    const plainHmac = createHmac('sha256', keyA).update(value).digest('base64url')
    const index = createFieldCipher([keyA]).blindIndex(value)
    expect(index).not.toBe(plainHmac)
    expect(Buffer.from(index, 'base64url')).toHaveLength(32)
  })

  it('lists the index under every configured key, current first and deduplicated', () => {
    const rotated = createFieldCipher([keyB, keyA, keyB])
    expect(rotated.blindIndexes(value)).toEqual([
      createFieldCipher([keyB]).blindIndex(value),
      createFieldCipher([keyA]).blindIndex(value),
    ])
    expect(rotated.blindIndexes(value)[0]).toBe(rotated.blindIndex(value))
  })
})

describe('parseKeyList', () => {
  it('accepts standard and url-safe base64 keys separated by commas and spaces', () => {
    const std = Buffer.alloc(32, 0xfb)
    const urlSafe = Buffer.alloc(32, 0xff)
    const keys = parseKeyList(`  ${std.toString('base64')} ,\t${urlSafe.toString('base64url')} `)
    expect(keys).toEqual([std, urlSafe])
  })

  it.each([
    ['a non-base64 entry', 'not a key!!'],
    ['a 16-byte entry', randomBytes(16).toString('base64')],
    ['an empty entry', ''],
  ])('rejects %s naming its position without printing it', (_label, bad) => {
    const list = `${generateKey()}, ${bad}`
    const message = thrownMessage(() => parseKeyList(list))
    expect(message).toMatch(/entry 2 of 2/)
    if (bad !== '') expect(message).not.toContain(bad)
  })

  it('round-trips a generated key', () => {
    const generated = generateKey()
    const [key] = parseKeyList(generated)
    expect(key).toHaveLength(32)
    expect(key?.toString('base64')).toBe(generated)
  })
})
