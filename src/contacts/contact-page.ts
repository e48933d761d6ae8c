import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, roleAtLeast } from '../http/roles.js'
import { isHtmx } from '../http/forms.js'
import { consoleScopeOf, type ConsoleScope } from '../http/actor.js'
import type { Tx } from '../db/tenant.js'
import { readConsentLog } from '../consent/consent-log.js'
import { consentEntryView } from '../consent/consent-entry.view.js'
import { manualChoices } from '../consent/manual-choices.js'
import { loadContactProfile, shouldMaskPhones } from './contact-profile.js'
import { findConversationIdOf } from '../conversations/conversations.repo.js'

/** The consent panel's message: an outcome, or a problem and the values typed. */
export interface ConsentFlash {
  readonly notice?: string
  readonly error?: string
  readonly values?: Record<string, string>
}

/** Which of the contact panel's forms a message belongs to. */
export type ProfileForm = 'name' | 'note' | 'label'

/** The contact panel's message: an outcome, or a problem shown at its form with what was typed. */
export interface ProfileFlash {
  readonly form?: ProfileForm
  readonly notice?: string
  readonly error?: string
  readonly typed?: string
}

/** How the contact page is answered: either panel's message and the status. */
export interface ContactView {
  readonly consent?: ConsentFlash
  readonly profile?: ProfileFlash
  readonly status?: 200 | 422
}

const CONTACT_LOG_PAGE = { fallback: 20, max: 20 }

async function loadProfile(tx: Tx, scope: ConsoleScope, id: string, flash: ProfileFlash = {}) {
  const { principal } = scope
  const maskPhone = await shouldMaskPhones(tx, principal)
  const { timeZone } = principal
  const profile = await loadContactProfile(tx, scope.deps.cipher, id, { maskPhone, timeZone })
  return { ...profile, flash }
}

async function loadContactPage(tx: Tx, scope: ConsoleScope, id: string, flash?: ProfileFlash) {
  const profile = await loadProfile(tx, scope, id, flash)
  const { cipher } = scope.deps
  const { timeZone } = scope.principal
  const query = { contactId: profile.id, timeZone }
  const log = await readConsentLog(tx, cipher, query, CONTACT_LOG_PAGE)
  // The consent panel needs only these; the phone reaches the page masked, through the profile.
  const contact = { id: profile.id, consent: profile.consent }
  return {
    profile,
    contact,
    conversationId: await findConversationIdOf(tx, profile.id),
    entries: log.data.map((entry) => consentEntryView(entry, timeZone)),
    moreEntries: !!log.nextCursor,
  }
}

/**
 * The contact page, or for htmx the consent panel (consent forms swap it) with the contact card
 * out of band: the card shows the consent badge too, and would otherwise say the old state.
 */
export async function renderContact(c: Context<AppEnv>, id: string, view: ContactView = {}) {
  const page = await c.var.tenant((tx) => loadContactPage(tx, consoleScopeOf(c), id, view.profile))
  const canOptIn = roleAtLeast(currentPrincipal(c).role, 'admin')
  const choices = manualChoices(page.contact.consent)
  const data = { ...page, canOptIn, choices, values: {}, ...view.consent }
  const status = view.status ?? 200
  if (!isHtmx(c)) return c.html(c.var.render('contacts/show', data), status)
  const panel = c.var.render('contacts/consent-panel', data, { fragment: true })
  const card = { profile: page.profile, outOfBand: true }
  return c.html(panel + c.var.render('contacts/profile-panel', card, { fragment: true }), status)
}

/** The contact panel alone for htmx (wherever it is included), else the whole contact page. */
export async function renderProfilePanel(
  c: Context<AppEnv>,
  id: string,
  flash: ProfileFlash,
  status: 200 | 422 = 200,
) {
  if (!isHtmx(c)) return renderContact(c, id, { profile: flash, status })
  const profile = await c.var.tenant((tx) => loadProfile(tx, consoleScopeOf(c), id, flash))
  return c.html(c.var.render('contacts/profile-panel', { profile }, { fragment: true }), status)
}
