import { CONSENT_SCOPES, type ConsentScope } from '../db/schema.js'

/** A contact's consent as the contact page has it. */
export interface HeldConsent {
  readonly state: string
  readonly marketing: string
}

/** The scopes a person may still opt the contact out of, and back in to. */
export interface ManualChoices {
  readonly optOut: readonly ConsentScope[]
  readonly optIn: readonly ConsentScope[]
}

/**
 * Only the changes that would change something: stopping what is already stopped would log
 * "opted out → opted out" (and is a no-op when it arrives anyway).
 */
export function manualChoices(consent: HeldConsent): ManualChoices {
  const allowed = (scope: ConsentScope) =>
    scope === 'messaging' ? consent.state !== 'opted_out' : consent.marketing !== 'stopped'
  return {
    optOut: CONSENT_SCOPES.filter(allowed),
    optIn: CONSENT_SCOPES.filter((scope) => !allowed(scope)),
  }
}
