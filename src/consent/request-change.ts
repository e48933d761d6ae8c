import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal } from '../http/roles.js'
import { auditRequest } from '../audit/actor.js'
import { changeConsentByHand, type ManualChange } from './manual-consent.js'

/**
 * A consent change by the request's principal (a console user: `manual`; an API key: `api`),
 * logged in the consent log and in the audit chain, in one transaction; a repeat writes neither.
 */
export function changeConsentForRequest(c: Context<AppEnv>, change: Omit<ManualChange, 'actor'>) {
  const principal = currentPrincipal(c)
  const actor =
    principal.kind === 'api_key'
      ? ({ method: 'api', apiKeyId: principal.id } as const)
      : ({ method: 'manual', userId: principal.id } as const)
  const { deps } = c.var
  return c.var.tenant(async (tx) => {
    const scope = { workspaceId: principal.workspaceId, cipher: deps.cipher, now: deps.now() }
    const { consent, written } = await changeConsentByHand(tx, scope, { ...change, actor })
    if (!written) return consent
    await auditRequest(c, tx, {
      action: `consent.${change.direction}`,
      recordType: 'contact',
      recordId: change.contactId,
      details: { scope: change.scope, ...(change.reason && { reason: change.reason }) },
    })
    return consent
  })
}
