import { Hono } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { contactInScope } from '../inbox/scope.js'
import { listContacts } from './list-contacts.js'
import { listMessages } from './list-messages.js'
import { showContact } from './show-contact.js'
import { searcherOf } from './number-search.js'
import { shouldMaskPhones, withShownPhone } from './contact-profile.js'

/**
 * JSON API over the workspace's contacts and their conversations (any role); a sales key sees
 * what a sales user sees: the same scope, numbers masked when the workspace masks them.
 */
export const contactsApi = new Hono<AppEnv>()
  .get('/contacts', requireRole('sales'), async (c) => {
    const { phone, q, limit, cursor } = c.req.query()
    const searcher = searcherOf(c)
    const page = await c.var.tenant(async (tx) => {
      const found = await listContacts(tx, c.var.deps.cipher, { phone, q, limit, cursor }, searcher)
      const mask = await shouldMaskPhones(tx, currentPrincipal(c))
      return { ...found, data: found.data.map((contact) => withShownPhone(contact, mask)) }
    })
    return c.json(page)
  })
  .get('/contacts/:id', requireRole('sales'), contactInScope, async (c) => {
    const id = c.req.param('id')
    const contact = await c.var.tenant(async (tx) => {
      const mask = await shouldMaskPhones(tx, currentPrincipal(c))
      return withShownPhone(await showContact(tx, c.var.deps.cipher, id), mask)
    })
    return c.json(contact)
  })
  .get('/contacts/:id/messages', requireRole('sales'), contactInScope, async (c) => {
    const { limit, cursor } = c.req.query()
    const contactId = c.req.param('id')
    const page = await c.var.tenant((tx) =>
      listMessages(tx, c.var.deps.cipher, { contactId, limit, cursor }),
    )
    return c.json(page)
  })
