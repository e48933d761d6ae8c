import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { computeBlindIndex, deriveBlindIndexKey } from './blind-index.js'

const VERSION = 'v1'
const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_ID_PATTERN = /^[0-9a-f]{8}$/
const BASE64_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/

/** Encrypts, decrypts and blind-indexes sensitive column values under a rotating key list. */
export interface FieldCipher {
  encrypt(plaintext: string): string
  decrypt(ciphertext: string): string
  blindIndex(value: string): string
  blindIndexes(value: string): string[]
  readonly currentKeyId: string
}

/** Raised when a ciphertext cannot be decrypted; messages never include plaintext or keys. */
export class FieldCipherError extends Error {
  override name = 'FieldCipherError'
}

interface KeyEntry {
  id: string
  key: Buffer
  indexKey: Buffer
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('parley/key-id').update(key).digest('hex').slice(0, 8)
}

// The version and key id travel in clear text; authenticating them as AAD stops an attacker
// from relabelling a ciphertext (e.g. pointing it at another key or a future format).
function aadFor(keyId: string): Buffer {
  return Buffer.from(`${VERSION}.${keyId}`, 'ascii')
}

function buildKeyring(keys: Buffer[]): KeyEntry[] {
  const ring = new Map<string, KeyEntry>()
  keys.forEach((key, i) => {
    if (key.length !== KEY_BYTES) {
      throw new Error(`encryption key ${i + 1} must be ${KEY_BYTES} bytes, got ${key.length}`)
    }
    const id = keyIdOf(key)
    const existing = ring.get(id)
    if (existing && !existing.key.equals(key)) {
      throw new Error(
        `encryption key ${i + 1} collides with the id of another key; generate a new one`,
      )
    }
    if (!existing) ring.set(id, { id, key: Buffer.from(key), indexKey: deriveBlindIndexKey(key) })
  })
  return [...ring.values()]
}

function encryptWith(entry: KeyEntry, plaintext: string): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', entry.key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(aadFor(entry.id))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'))
  return [VERSION, entry.id, ...parts].join('.')
}

// Node's base64url decoder skips junk and ignores trailing bits; insisting on the canonical
// form gives every ciphertext exactly one valid encoding.
function decodePart(part: string): Buffer {
  const bytes = Buffer.from(part, 'base64url')
  if (bytes.toString('base64url') !== part) throw new FieldCipherError('malformed ciphertext')
  return bytes
}

function decryptWith(ring: Map<string, KeyEntry>, ciphertext: string): string {
  const parts = ciphertext.split('.')
  if (parts.length !== 5) throw new FieldCipherError('malformed ciphertext')
  const [version = '', keyId = '', ivPart = '', bodyPart = '', tagPart = ''] = parts
  if (version !== VERSION) throw new FieldCipherError('unsupported ciphertext version')
  if (!KEY_ID_PATTERN.test(keyId)) throw new FieldCipherError('malformed ciphertext')
  const entry = ring.get(keyId)
  if (!entry) throw new FieldCipherError(`unknown encryption key id ${keyId}`)
  const [iv, body, tag] = [decodePart(ivPart), decodePart(bodyPart), decodePart(tagPart)]
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new FieldCipherError('malformed ciphertext')
  }
  const decipher = createDecipheriv('aes-256-gcm', entry.key, iv, { authTagLength: TAG_BYTES })
  decipher.setAAD(aadFor(keyId))
  decipher.setAuthTag(tag)
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
  } catch {
    throw new FieldCipherError('ciphertext failed authentication (wrong key or tampered)')
  }
}

/** Creates a cipher; keys[0] encrypts and indexes, later keys stay readable after rotation. */
export function createFieldCipher(keys: Buffer[]): FieldCipher {
  const entries = buildKeyring(keys)
  const ring = new Map(entries.map((e) => [e.id, e]))
  const current = entries[0]
  if (!current) throw new Error('at least one encryption key is required')
  return {
    currentKeyId: current.id,
    encrypt: (plaintext) => encryptWith(current, plaintext),
    decrypt: (ciphertext) => decryptWith(ring, ciphertext),
    blindIndex: (value) => computeBlindIndex(current.indexKey, value),
    blindIndexes: (value) => [...new Set(entries.map((e) => computeBlindIndex(e.indexKey, value)))],
  }
}

/** Parses a comma-separated list of base64 or base64url 32-byte keys, current key first. */
export function parseKeyList(value: string): Buffer[] {
  const entries = value.split(',').map((s) => s.trim())
  return entries.map((entry, i) => {
    const key = BASE64_PATTERN.test(entry) ? Buffer.from(entry, 'base64') : undefined
    if (key?.length !== KEY_BYTES) {
      throw new Error(
        `encryption key list entry ${i + 1} of ${entries.length} is not a base64-encoded ${KEY_BYTES}-byte key`,
      )
    }
    return key
  })
}

/** Generates a fresh random 32-byte key, base64-encoded, for the key list. */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64')
}
