import { z } from 'zod'
import type { Tx } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { findServiceSecret, upsertServiceSecret } from './credentials.repo.js'

/** The services a workspace may keep secrets for, apart from WhatsApp. */
export const SERVICES = ['meta_ads', 'google_ads', 'google', 'ai'] as const
export type Service = (typeof SERVICES)[number]

/** A service's secret: the fields its client needs (tokens, keys, account ids), all strings. */
export type ServiceSecret = Readonly<Record<string, string>>

const secretShape = z.record(z.string(), z.string())

/**
 * Stores (or replaces) a workspace's secret for a service, encrypted with the field cipher as
 * one JSON object. Only adapters read it back; no route returns it.
 */
export async function storeServiceSecret(
  tx: Tx,
  cipher: FieldCipher,
  stored: { workspaceId: string; service: Service; secret: ServiceSecret },
): Promise<void> {
  const secretEnc = cipher.encrypt(JSON.stringify(secretShape.parse(stored.secret)))
  await upsertServiceSecret(tx, {
    workspaceId: stored.workspaceId,
    service: stored.service,
    secretEnc,
  })
}

/** A workspace's secret for a service, decrypted; undefined when none is stored. */
export async function loadServiceSecret(
  tx: Tx,
  cipher: FieldCipher,
  wanted: { workspaceId: string; service: Service },
): Promise<ServiceSecret | undefined> {
  const row = await findServiceSecret(tx, wanted.workspaceId, wanted.service)
  if (!row) return undefined
  return secretShape.parse(JSON.parse(cipher.decrypt(row.secretEnc)))
}
