import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { formFields, isHtmx } from '../http/forms.js'
import {
  listDeadLetters,
  listMalformedDeliveries,
  replayDeadLetters,
} from '../webhooks/dead-letters.js'
import { recordAudit } from '../audit/record-audit.js'
import { actingOf } from '../http/actor.js'
import {
  consentFormFor,
  consentFormFromFields,
  consentPageOf,
  readConsentForm,
  type ConsentForm,
} from '../consent/settings-form.js'
import { isAppError } from '../errors.js'
import { listApiKeys, revokeApiKey } from '../auth/api-keys.js'
import { readableTime, zonedTime } from '../console/readable-time.js'
import { timeZoneChoices } from '../console/time-zone.js'
import {
  loadSettings,
  resumeSending,
  saveConsentPage,
  saveInboxSettings,
  saveTimeZone,
  setStoreMessageContent,
} from './settings.js'

function settingsEvent(action: string, details?: Record<string, unknown>) {
  return { action, recordType: 'workspace', ...(details && { details }) }
}

type SettingsFlash = { notice?: string; error?: string }

// Times are read from the settings just loaded: a zone saved by this request shows at once.
async function renderSettings(c: Context<AppEnv>, flash: SettingsFlash = {}) {
  const { workspaceId } = currentPrincipal(c)
  const settings = await c.var.tenant((tx) => loadSettings(tx, workspaceId))
  const { timeZone, sendingPause } = settings
  const inZone = <T extends { receivedAt: Date }>(event: T) => ({
    ...event,
    time: readableTime(event.receivedAt, timeZone),
  })
  const deadLetters = (await listDeadLetters(c.var.deps.db, workspaceId)).map(inZone)
  const malformed = (await listMalformedDeliveries(c.var.deps.db, workspaceId)).map(inZone)
  const pause = sendingPause && { ...sendingPause, time: zonedTime(sendingPause.at, timeZone) }
  const zones = timeZoneChoices(timeZone)
  const apiKeys = (await c.var.tenant(listApiKeys)).map((key) => ({
    ...key,
    created: readableTime(new Date(key.createdAt), timeZone),
    lastUsed: key.lastUsedAt && readableTime(new Date(key.lastUsedAt), timeZone),
  }))
  const data = { settings, pause, deadLetters, malformed, apiKeys, zones, timeZone, ...flash }
  const template = isHtmx(c) ? 'workspaces/panel' : 'workspaces/settings'
  const status = flash.error ? 422 : 200
  return c.html(c.var.render(template, data, { fragment: isHtmx(c) }), status)
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
      await recordAudit(tx, actingOf(c), settingsEvent('settings.message_content', { store }))
    })
    const notice = store ? 'Message content is stored.' : 'Message content is no longer stored.'
    return renderSettings(c, { notice })
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
      await recordAudit(tx, actingOf(c), settingsEvent('settings.inbox', { ...inbox }))
    })
    return renderSettings(c, { notice: 'Inbox settings saved.' })
  })
  .post('/settings/timezone', requireRole('admin'), async (c) => {
    const timezone = (await formFields(c)).timezone ?? ''
    const { workspaceId } = currentPrincipal(c)
    try {
      await c.var.tenant(async (tx) => {
        await saveTimeZone(tx, workspaceId, timezone)
        await recordAudit(tx, actingOf(c), settingsEvent('settings.timezone', { timezone }))
      })
    } catch (error) {
      if (!isAppError(error, 'validation_failed')) throw error
      return renderSettings(c, { error: error.message })
    }
    return renderSettings(c, { notice: `Times are now shown in ${timezone}.` })
  })
  .post('/settings/webhook-replay', requireRole('admin'), async (c) => {
    const { workspaceId } = currentPrincipal(c)
    const requeued = await replayDeadLetters(c.var.deps, workspaceId, c.var.deps.now())
    await c.var.tenant((tx) =>
      recordAudit(tx, actingOf(c), settingsEvent('webhooks.replay', { requeued })),
    )
    const notice = `${String(requeued)} failed event(s) queued for processing again.`
    return renderSettings(c, { notice })
  })
  .post('/settings/resume-sending', requireRole('admin'), async (c) => {
    const { workspaceId } = currentPrincipal(c)
    await c.var.tenant(async (tx) => {
      await resumeSending(tx, workspaceId)
      await recordAudit(tx, actingOf(c), settingsEvent('settings.resume_sending'))
    })
    // Queued sends waited while paused; the dispatcher picks them up now rather than at its next tick.
    await c.var.deps.jobs.enqueue('outbound.dispatch', {})
    return renderSettings(c, { notice: 'Sending resumed: queued messages are going out.' })
  })
  .post('/settings/api-keys/:id/revocation', requireRole('admin'), async (c) => {
    const id = c.req.param('id')
    const revoked = await c.var.tenant(async (tx) => {
      const key = await revokeApiKey(tx, id, c.var.deps.now())
      await recordAudit(tx, actingOf(c), {
        action: 'apikey.revoke',
        recordType: 'api_key',
        recordId: id,
      })
      return key
    })
    return renderSettings(c, { notice: `API key "${revoked.name}" revoked: it no longer works.` })
  })
  .get('/settings/consent', requireRole('admin'), (c) => renderConsent(c))
  .post('/settings/consent', requireRole('admin'), async (c) => {
    const form = consentFormFromFields(await formFields(c))
    const result = readConsentForm(form)
    if (!result.ok) return renderConsent(c, { problems: result.problems }, form)
    const { workspaceId } = currentPrincipal(c)
    await c.var.tenant(async (tx) => {
      await saveConsentPage(tx, workspaceId, result)
      await recordAudit(tx, actingOf(c), settingsEvent('settings.consent'))
    })
    return renderConsent(c, { notice: 'Consent and sending settings saved.' })
  })
