import type { Tx } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { identityHashes } from '../consent/consent-holds.js'
import { isHeld } from '../consent/consent-holds.repo.js'
import { lockSendTarget, type SendTarget } from './outbound.repo.js'

/** A send target with whether a STOP is on hold for it. */
export interface GateTarget extends SendTarget {
  readonly consentHeld: boolean
}

/**
 * The contact as the gate sees it: locked (lockSendTarget), with any consent hold written at
 * ingest. Looking for the hold also takes the hold's gate lock until commit, so a STOP
 * committed after this look is answered only once this transaction (and its call) is over.
 */
export async function loadGateTarget(
  tx: Tx,
  scope: { readonly workspaceId: string; readonly cipher: FieldCipher },
  contactId: string,
): Promise<GateTarget | undefined> {
  const target = await lockSendTarget(tx, contactId)
  if (target === undefined) return undefined
  const { cipher } = scope
  const phone = target.phoneEnc === null ? undefined : cipher.decrypt(target.phoneEnc)
  const hashes = identityHashes(cipher, { phone, bsuid: target.bsuid })
  return { ...target, consentHeld: await isHeld(tx, scope.workspaceId, hashes) }
}
