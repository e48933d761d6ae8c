import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { formFields, isHtmx } from '../http/forms.js'
import { listDeadLetters, replayDeadLetters } from '../webhooks/dead-letters.js'
import { auditRequest } from '../audit/actor.js'
import {
  consentFormFor,
  consentFormFromFields,
  consentPageOf,
  readConsentForm,
  type ConsentForm,
} from '../consent/settings-form.js'
import { saveInboxSettings } from '../inbox/settings.js'
import { listApiKeys, revokeApiKey } from '../auth/api-keys.js'
import { loadSettings, resumeSending, saveConsentPage, setStoreMessageContent } from './settings.js'

function settingsEvent(action: string, details?: Record<string, unknown>) {
  return { action, recordType: 'workspace', ...(details && { details }) }
}

async function renderSettings(c: Context<AppEnv>, notice?: string) {
  const { workspaceId } = currentPrincipal(c)
  const settings = await c.var.tenant((tx) => loadSettings(tx, workspaceId))
  const deadLetters = await listDeadLetters(c.var.deps.db, workspaceId)
  const apiKeys = await c.var.tenant(listApiKeys)
  const data = { settings, deadLetters, apiKeys, notice }
  const template = isHtmx(c) ? 'workspaces/panel' : 'workspaces/settings'
  return c.html(c.var.render(template, data, { fragment: isHtmx(c) }))
}

type ConsentFlash = { notice?: string; problems?: readonly string[] }

// A refused form is shown back as typed (422); otherwise the page shows what is saved.
async function renderConsent(c: Context<AppEnv>, flash: ConsentFlash = {}, typed?: ConsentForm) {
  const { workspaceId } = currentPrincipal(c)
  let form = typed
  if (!form) {
    const settings = await c.var.tenant((tx) => loadSettings(tx, workspaceId))
    form = consentFormFor(settings.consent, settings.messagesPerSecond)
  }
  const data = { form: consentPageOf(form), ...flash }
  const template = isHtmx(c) ? 'workspaces/consent-panel' : 'workspaces/consent'
  return c.html(c.var.render(template, data, { fragment: isHtmx(c) }), typed ? 422 : 200)
}

/** Workspace settings for owners and admins: privacy, consent keywords, sending, webhooks, API keys. */
export const settingsConsole = new Hono<AppEnv>()
  .get('/settings', requireRole('admin'), (c) => renderSettings(c))
  .post('/settings/message-content', requireRole('admin'), async (c) => {
    const store = (await formFields(c)).store === 'on'
    const { workspaceId } = currentPrincipal(c)
    await c.var.tenant(async (tx) => {
      await setStoreMessageContent(tx, workspaceId, store)
      await auditRequest(c, tx, settingsEvent('settings.message_content', { store }))
    })
    return renderSettings(
      c,
      store ? 'Message content is stored.' : 'Message content is no longer stored.',
    )
  })
  .post('/settings/inbox', requireRole('admin'), async (c) => {
    const fields = await formFields(c)
    const inbox = {
      roundRobin: fields.roundRobin === 'on',
      maskPhonesForSales: fields.maskPhonesForSales === 'on',
      markAsRead: fields.markAsRead === 'on',
    }
    const { workspaceId } = currentPrincipal(c)
    await c.var.tenant(async (tx) => {
      await saveInboxSettings(tx, workspaceId, inbox)
      await auditRequest(c, tx, settingsEvent('settings.inbox', { ...inbox }))
    })
    return renderSettings(c, 'Inbox settings saved.')
  })
  .post('/settings/webhook-replay', requireRole('admin'), async (c) => {
    const { workspaceId } = currentPrincipal(c)
    const requeued = await replayDeadLetters(c.var.deps, workspaceId, c.var.deps.now())
    await c.var.tenant((tx) => auditRequest(c, tx, settingsEvent('webhooks.replay', { requeued })))
    return renderSettings(c, `${requeued} failed event(s) queued for processing again.`)
  })
  .post('/settings/resume-sending', requireRole('admin'), async (c) => {
    const { workspaceId } = currentPrincipal(c)
    await c.var.tenant(async (tx) => {
      await resumeSending(tx, workspaceId)
      await auditRequest(c, tx, settingsEvent('settings.resume_sending'))
    })
    // Queued sends waited while paused; the dispatcher picks them up now rather than at its next tick.
    await c.var.deps.jobs.enqueue('outbound.dispatch', {})
    return renderSettings(c, 'Sending resumed: queued messages are going out.')
  })
  .post('/settings/api-keys/:id/revocation', requireRole('admin'), async (c) => {
    const id = c.req.param('id')
    const revoked = await c.var.tenant(async (tx) => {
      const key = await revokeApiKey(tx, id, c.var.deps.now())
      await auditRequest(c, tx, { action: 'apikey.revoke', recordType: 'api_key', recordId: id })
      return key
    })
    return renderSettings(c, `API key "${revoked.name}" revoked: it no longer works.`)
  })
  .get('/settings/consent', requireRole('admin'), (c) => renderConsent(c))
  .post('/settings/consent', requireRole('admin'), async (c) => {
    const form = consentFormFromFields(await formFields(c))
    const result = readConsentForm(form)
    if (!result.ok) return renderConsent(c, { problems: result.problems }, form)
    const { workspaceId } = currentPrincipal(c)
    await c.var.tenant(async (tx) => {
      await saveConsentPage(tx, workspaceId, result)
      await auditRequest(c, tx, settingsEvent('settings.consent'))
    })
    return renderConsent(c, { notice: 'Consent and sending settings saved.' })
  })
