import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { contactInScope } from '../inbox/scope.js'
import { formFields, hrefWith } from '../http/forms.js'
import { AppError, isAppError } from '../errors.js'
import type { ConsentScope } from '../db/schema.js'
import { changeConsentAs } from '../consent/change-consent-as.js'
import { actingOf } from '../http/actor.js'
import { renderContact, renderProfilePanel } from './contact-page.js'
import { contactListEntry, shouldMaskPhones } from './contact-profile.js'
import { listContacts, type ContactQuery } from './list-contacts.js'
import { searcherOf } from './number-search.js'
import { LABEL_FORM, NAME_FORM, NOTE_FORM, submitProfile, UNLABEL_FORM } from './profile-forms.js'

type Direction = 'opt_out' | 'opt_in'

const NOTICES = {
  opt_out: { messaging: 'Opted out of all messages.', marketing: 'Marketing stopped.' },
  opt_in: { messaging: 'Opted back in to messages.', marketing: 'Marketing allowed again.' },
} as const satisfies Record<Direction, Record<ConsentScope, string>>

function scopeOf(raw: string | undefined): ConsentScope {
  if (raw === 'messaging' || raw === 'marketing') return raw
  throw new AppError('validation_failed', 'Choose all messages or marketing only')
}

async function changeConsent(c: Context<AppEnv>, contactId: string, direction: Direction) {
  const values = await formFields(c)
  try {
    const scope = scopeOf(values.scope)
    const change = { contactId, direction, scope, reason: values.reason }
    await c.var.tenant((tx) => changeConsentAs(tx, actingOf(c), change))
    return await renderContact(c, contactId, { consent: { notice: NOTICES[direction][scope] } })
  } catch (error) {
    if (!isAppError(error, 'validation_failed')) throw error
    const kept = { form: direction, scope: values.scope ?? '', reason: values.reason ?? '' }
    return renderContact(c, contactId, {
      consent: { error: error.message, values: kept },
      status: 422,
    })
  }
}

function searchOf(c: Context<AppEnv>) {
  const { q = '', phone = '' } = c.req.query()
  return { q: q.trim(), phone: phone.trim() }
}

// Phones as this user may see them: masked for sales when the workspace says so.
function loadContactList(c: Context<AppEnv>, query: ContactQuery) {
  return c.var.tenant(async (tx) => {
    const page = await listContacts(tx, c.var.deps.cipher, query, searcherOf(c))
    const mask = await shouldMaskPhones(tx, currentPrincipal(c))
    return { ...page, data: page.data.map((contact) => contactListEntry(contact, mask)) }
  })
}

/**
 * Contacts in the console: find one; name it, note and label it; see its consent, opt it out or
 * (admins) back in.
 */
export const contactsConsole = new Hono<AppEnv>()
  .get('/contacts', requireRole('sales'), async (c) => {
    const search = searchOf(c)
    const cursor = c.req.query('cursor')
    // A blank search box means "no filter", which the list's validation would refuse.
    const query = { q: search.q || undefined, phone: search.phone || undefined, cursor }
    let page: Awaited<ReturnType<typeof loadContactList>> = { data: [], nextCursor: null }
    let error: string | undefined
    try {
      page = await loadContactList(c, query)
    } catch (caught) {
      if (!isAppError(caught, 'validation_failed')) throw caught
      error = caught.message
    }
    const moreHref =
      page.nextCursor && hrefWith('/contacts', { ...search, cursor: page.nextCursor })
    const data = { search, contacts: page.data, moreHref }
    return c.html(c.var.render('contacts/index', { ...data, error }), error ? 422 : 200)
  })
  .get('/contacts/:id', requireRole('sales'), contactInScope, (c) =>
    renderContact(c, c.req.param('id')),
  )
  .get('/contacts/:id/profile', requireRole('sales'), contactInScope, (c) =>
    renderProfilePanel(c, c.req.param('id'), {}),
  )
  .post('/contacts/:id/name', requireRole('sales'), contactInScope, (c) =>
    submitProfile(c, c.req.param('id'), NAME_FORM),
  )
  .post('/contacts/:id/notes', requireRole('sales'), contactInScope, (c) =>
    submitProfile(c, c.req.param('id'), NOTE_FORM),
  )
  .post('/contacts/:id/labels', requireRole('sales'), contactInScope, (c) =>
    submitProfile(c, c.req.param('id'), LABEL_FORM),
  )
  .post('/contacts/:id/labels/remove', requireRole('sales'), contactInScope, (c) =>
    submitProfile(c, c.req.param('id'), UNLABEL_FORM),
  )
  .post('/contacts/:id/opt-out', requireRole('sales'), contactInScope, (c) =>
    changeConsent(c, c.req.param('id'), 'opt_out'),
  )
  .post('/contacts/:id/opt-in', requireRole('admin'), contactInScope, (c) =>
    changeConsent(c, c.req.param('id'), 'opt_in'),
  )
