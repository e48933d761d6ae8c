import { hkdfSync } from 'node:crypto'

/** Derives a purpose-bound key from SESSION_SECRET so sessions and CSRF never share one. */
export function deriveKey(secret: string, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, '', `parley/${purpose}`, 32))
}
