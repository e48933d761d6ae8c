import { Hono } from 'hono'
import type { AppEnv } from '../http/env.js'
import { requireRole } from '../http/roles.js'
import { listContacts } from './list-contacts.js'
import { listMessages } from './list-messages.js'
import { showContact } from './show-contact.js'

/** JSON API over the workspace's contacts and their conversations (any role). */
export const contactsApi = new Hono<AppEnv>()
  .get('/contacts', requireRole('sales'), async (c) => {
    const { phone, q, limit, cursor } = c.req.query()
    const page = await c.var.tenant((tx) =>
      listContacts(tx, c.var.deps.cipher, { phone, q, limit, cursor }),
    )
    return c.json(page)
  })
  .get('/contacts/:id', requireRole('sales'), async (c) => {
    const id = c.req.param('id')
    const contact = await c.var.tenant((tx) => showContact(tx, c.var.deps.cipher, id))
    return c.json(contact)
  })
  .get('/contacts/:id/messages', requireRole('sales'), async (c) => {
    const { limit, cursor } = c.req.query()
    const contactId = c.req.param('id')
    const page = await c.var.tenant((tx) =>
      listMessages(tx, c.var.deps.cipher, { contactId, limit, cursor }),
    )
    return c.json(page)
  })
