import type { Tx } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { findWhatsAppColumns } from './credentials.repo.js'

/** A workspace's WhatsApp Cloud API credentials, the token decrypted; null where not set. */
export interface WhatsAppCredentials {
  readonly phoneNumberId: string | null
  readonly wabaId: string | null
  readonly accessToken: string | null
}

/**
 * The one place a workspace's WhatsApp credentials are read and its token decrypted (sends,
 * read receipts, media, template sync, connecting). Undefined when the workspace is not visible.
 */
export async function loadWhatsAppCredentials(
  tx: Tx,
  cipher: FieldCipher,
  workspaceId: string,
): Promise<WhatsAppCredentials | undefined> {
  const row = await findWhatsAppColumns(tx, workspaceId)
  if (!row) return undefined
  return {
    phoneNumberId: row.phoneNumberId,
    wabaId: row.wabaId,
    accessToken: row.accessTokenEnc === null ? null : cipher.decrypt(row.accessTokenEnc),
  }
}
