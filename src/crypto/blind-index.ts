import { createHmac, hkdfSync } from 'node:crypto'

const BLIND_INDEX_INFO = 'parley/blind-index'

/** Derives the HMAC key for blind indexes from a 32-byte data key. */
export function deriveBlindIndexKey(dataKey: Buffer): Buffer {
  // A separate HKDF sub-key means the index key never equals the encryption key, so a
  // leaked index key (or a flaw in either use) cannot compromise the other.
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), BLIND_INDEX_INFO, 32))
}

/** Computes the base64url HMAC-SHA256 blind index of a value (already normalised) under a sub-key. */
export function computeBlindIndex(indexKey: Buffer, value: string): string {
  return createHmac('sha256', indexKey).update(value, 'utf8').digest('base64url')
}
