import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole, roleAtLeast } from '../http/roles.js'
import { formFields, hrefWith, isHtmx } from '../http/forms.js'
import { AppError, isAppError } from '../errors.js'
import type { ConsentScope } from '../db/schema.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import type { Tx } from '../db/tenant.js'
import { readConsentLog } from '../consent/consent-log.js'
import { consentEntryView } from '../consent/console.js'
import { changeConsentForRequest } from '../consent/request-change.js'
import { listContacts } from './list-contacts.js'
import { showContact } from './show-contact.js'

type Direction = 'opt_out' | 'opt_in'
type Panel = { notice?: string; error?: string; values?: Record<string, string> }

const CONTACT_LOG_PAGE = { fallback: 20, max: 20 }

const NOTICES = {
  opt_out: { messaging: 'Opted out of all messages.', marketing: 'Marketing stopped.' },
  opt_in: { messaging: 'Opted back in to messages.', marketing: 'Marketing allowed again.' },
} as const satisfies Record<Direction, Record<ConsentScope, string>>

function scopeOf(raw: string | undefined): ConsentScope {
  if (raw === 'messaging' || raw === 'marketing') return raw
  throw new AppError('validation_failed', 'Choose all messages or marketing only')
}

async function loadContactPage(tx: Tx, cipher: FieldCipher, id: string) {
  const contact = await showContact(tx, cipher, id)
  const log = await readConsentLog(tx, cipher, { contactId: contact.id }, CONTACT_LOG_PAGE)
  return { contact, entries: log.data.map(consentEntryView), moreEntries: log.nextCursor !== null }
}

async function renderContact(
  c: Context<AppEnv>,
  id: string,
  panel: Panel = {},
  status: 200 | 422 = 200,
) {
  const page = await c.var.tenant((tx) => loadContactPage(tx, c.var.deps.cipher, id))
  const canOptIn = roleAtLeast(currentPrincipal(c).role, 'admin')
  const data = { ...page, canOptIn, values: {}, ...panel }
  // htmx swaps just the consent panel; a plain form post gets the whole page back.
  const template = isHtmx(c) ? 'contacts/consent-panel' : 'contacts/show'
  return c.html(c.var.render(template, data, { fragment: isHtmx(c) }), status)
}

async function changeConsent(c: Context<AppEnv>, contactId: string, direction: Direction) {
  const values = await formFields(c)
  try {
    const scope = scopeOf(values.scope)
    await changeConsentForRequest(c, { contactId, direction, scope, reason: values.reason })
    return await renderContact(c, contactId, { notice: NOTICES[direction][scope] })
  } catch (error) {
    if (!isAppError(error, 'validation_failed')) throw error
    const kept = { form: direction, scope: values.scope ?? '', reason: values.reason ?? '' }
    return renderContact(c, contactId, { error: error.message, values: kept }, 422)
  }
}

function searchOf(c: Context<AppEnv>) {
  const { q = '', phone = '' } = c.req.query()
  return { q: q.trim(), phone: phone.trim() }
}

/** Contacts in the console: find one, see its consent, opt it out or (admins) back in. */
export const contactsConsole = new Hono<AppEnv>()
  .get('/contacts', requireRole('sales'), async (c) => {
    const search = searchOf(c)
    const cursor = c.req.query('cursor')
    // A blank search box means "no filter", which the list's validation would refuse.
    const query = { q: search.q || undefined, phone: search.phone || undefined, cursor }
    let page: Awaited<ReturnType<typeof listContacts>> = { data: [], nextCursor: null }
    let error: string | undefined
    try {
      page = await c.var.tenant((tx) => listContacts(tx, c.var.deps.cipher, query))
    } catch (caught) {
      if (!isAppError(caught, 'validation_failed')) throw caught
      error = caught.message
    }
    const moreHref =
      page.nextCursor && hrefWith('/contacts', { ...search, cursor: page.nextCursor })
    const data = { search, contacts: page.data, moreHref }
    return c.html(c.var.render('contacts/index', { ...data, error }), error ? 422 : 200)
  })
  .get('/contacts/:id', requireRole('sales'), (c) => renderContact(c, c.req.param('id')))
  .post('/contacts/:id/opt-out', requireRole('sales'), (c) =>
    changeConsent(c, c.req.param('id'), 'opt_out'),
  )
  .post('/contacts/:id/opt-in', requireRole('admin'), (c) =>
    changeConsent(c, c.req.param('id'), 'opt_in'),
  )
