import type { Tx } from '../db/tenant.js'
import type { Acting } from '../actor.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { recordAudit } from '../audit/record-audit.js'
import { changeConsentByHand, type ManualChange } from './manual-consent.js'

/**
 * A consent change on the actor's word (a console user: `manual`; an API key: `api`; a job:
 * `system`), logged in the consent log and in the audit chain, in the caller's transaction; a
 * repeat writes neither.
 */
export async function changeConsentAs(
  tx: Tx,
  acting: Acting & { readonly cipher: FieldCipher },
  change: Omit<ManualChange, 'actor'>,
) {
  const { actor, cipher, now } = acting
  const scope = { workspaceId: actor.workspaceId, cipher, now }
  const { consent, written } = await changeConsentByHand(tx, scope, { ...change, actor })
  if (!written) return consent
  await recordAudit(tx, acting, {
    action: `consent.${change.direction}`,
    recordType: 'contact',
    recordId: change.contactId,
    details: { scope: change.scope, ...(change.reason && { reason: change.reason }) },
  })
  return consent
}
