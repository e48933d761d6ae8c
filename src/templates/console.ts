import { Hono } from 'hono'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole, roleAtLeast } from '../http/roles.js'
import { isHtmx } from '../http/forms.js'
import { readableTime } from '../console/readable-time.js'
import { recordAudit } from '../audit/record-audit.js'
import { actingOf } from '../http/actor.js'
import { ERRORS, isAppError } from '../errors.js'
import { listTemplateViews } from './list-templates.js'
import { syncTemplates } from './sync-templates.js'
import { noticeOf } from './sync-notice.view.js'

type Flash = { notice?: string; error?: string }

async function renderTemplates(
  c: Context<AppEnv>,
  flash: Flash = {},
  status: ContentfulStatusCode = 200,
) {
  const templates = await c.var.tenant((tx) => listTemplateViews(tx, { approvedOnly: false }))
  const synced = templates.map((t) => t.syncedAt.getTime())
  const lastSyncedAt = synced.length > 0 ? new Date(Math.max(...synced)) : null
  const { role, timeZone } = currentPrincipal(c)
  const canSync = roleAtLeast(role, 'manager')
  const shown = templates.map((t) => ({ ...t, syncedTime: readableTime(t.syncedAt, timeZone) }))
  const lastSynced = lastSyncedAt && {
    at: lastSyncedAt,
    time: readableTime(lastSyncedAt, timeZone),
  }
  const data = { templates: shown, lastSynced, canSync, ...flash }
  // htmx swaps just the list; a plain form post gets the whole page back.
  const template = isHtmx(c) ? 'templates/list' : 'templates/index'
  return c.html(c.var.render(template, data, { fragment: isHtmx(c) }), status)
}

/** The Templates page: what Meta approved for this workspace, and a sync on demand (managers). */
export const templatesConsole = new Hono<AppEnv>()
  .get('/templates', requireRole('sales'), (c) => renderTemplates(c))
  .post('/templates/sync', requireRole('manager'), async (c) => {
    const { workspaceId } = currentPrincipal(c)
    const deps = { ...c.var.deps, log: c.var.log }
    try {
      const counts = await syncTemplates(deps, workspaceId, {
        onStored: (tx, details) =>
          recordAudit(tx, actingOf(c), {
            action: 'templates.sync',
            recordType: 'workspace',
            details: { ...details },
          }),
      })
      return await renderTemplates(c, { notice: noticeOf(counts) })
    } catch (error) {
      // Not connected, or Meta refused: the page says why instead of an error page.
      if (
        isAppError(error, 'whatsapp_not_connected') ||
        isAppError(error, 'whatsapp_unavailable')
      ) {
        return renderTemplates(c, { error: error.message }, ERRORS[error.code].status)
      }
      throw error
    }
  })
