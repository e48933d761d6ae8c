import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { formFields, isHtmx } from '../http/forms.js'
import { listDeadLetters, replayDeadLetters } from '../webhooks/dead-letters.js'
import { loadSettings, setStoreMessageContent } from './settings.js'

async function renderSettings(c: Context<AppEnv>, notice?: string) {
  const { workspaceId } = currentPrincipal(c)
  const settings = await c.var.tenant((tx) => loadSettings(tx, workspaceId))
  const deadLetters = await listDeadLetters(c.var.deps.db, workspaceId)
  const data = { settings, deadLetters, notice }
  const template = isHtmx(c) ? 'workspaces/panel' : 'workspaces/settings'
  return c.html(c.var.render(template, data, { fragment: isHtmx(c) }))
}

/** Workspace settings for owners and admins: privacy mode and failed webhook deliveries. */
export const settingsConsole = new Hono<AppEnv>()
  .get('/settings', requireRole('admin'), (c) => renderSettings(c))
  .post('/settings/message-content', requireRole('admin'), async (c) => {
    const store = (await formFields(c)).store === 'on'
    const { workspaceId } = currentPrincipal(c)
    await c.var.tenant((tx) => setStoreMessageContent(tx, workspaceId, store))
    return renderSettings(
      c,
      store ? 'Message content is stored.' : 'Message content is no longer stored.',
    )
  })
  .post('/settings/webhook-replay', requireRole('admin'), async (c) => {
    const { workspaceId } = currentPrincipal(c)
    const requeued = await replayDeadLetters(c.var.deps, workspaceId, c.var.deps.now())
    return renderSettings(c, `${requeued} failed event(s) queued for processing again.`)
  })
