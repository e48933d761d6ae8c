import { sql } from 'drizzle-orm'
import { check, text, timestamp, uuid } from 'drizzle-orm/pg-core'

export const CONSENT_STATES = ['subscribed', 'opted_out'] as const
/** Whether a contact may be messaged at all. */
export type ConsentState = (typeof CONSENT_STATES)[number]

export const MARKETING_STATES = ['allowed', 'stopped'] as const
/** Whether a contact may get marketing templates. */
export type MarketingState = (typeof MARKETING_STATES)[number]

/**
 * A contact's current consent, a cache of its latest consent log entries. The `*_at` times are
 * those of the events that set each state, so an older event arriving late cannot undo a newer one.
 */
export const consentColumns = () => ({
  consentState: text('consent_state').$type<ConsentState>().notNull().default('subscribed'),
  consentAt: timestamp('consent_at', { withTimezone: true }),
  consentEventId: uuid('consent_event_id'),
  marketingState: text('marketing_state').$type<MarketingState>().notNull().default('allowed'),
  marketingAt: timestamp('marketing_at', { withTimezone: true }),
})

/** The checks that the consent columns hold known states. */
export const consentChecks = () =>
  check(
    'contacts_consent_check',
    sql`consent_state in ('subscribed', 'opted_out') and marketing_state in ('allowed', 'stopped')`,
  )
