import { SignJWT, jwtVerify } from 'jose'
import { deriveKey } from '../crypto/derive-key.js'

/** What a session cookie carries: the session id and its workspace id, nothing else. */
export interface SessionClaims {
  sid: string
  wid: string
}

/** Signs the cookie value: only the session id and workspace id, valid until the absolute expiry. */
export async function signSessionToken(secret: string, claims: SessionClaims, expiresAt: Date) {
  return new SignJWT({ wid: claims.wid })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sid)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(deriveKey(secret, 'session'))
}

/** The claims of a token this server signed and that has not expired, else undefined. */
export async function readSessionToken(
  secret: string,
  token: string,
): Promise<SessionClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, deriveKey(secret, 'session'), {
      algorithms: ['HS256'],
    })
    if (typeof payload.sub !== 'string' || typeof payload.wid !== 'string') return undefined
    return { sid: payload.sub, wid: payload.wid }
  } catch {
    return undefined
  }
}
