import { Hono } from 'hono'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { formFields, isHtmx } from '../http/forms.js'
import { requestOrigin } from '../http/client-info.js'
import { actorOf } from '../http/actor.js'
import { zonedTime } from '../console/readable-time.js'
import { ERRORS, isAppError } from '../errors.js'
import { loadSettings } from './settings.js'
import { connectWhatsApp } from './connect-whatsapp.js'
import { noticeOf } from './whatsapp-connect.view.js'
import { qualityWords } from './whatsapp-rules.js'

/** What the form shows back after a refusal: what was typed, never the token. */
type Typed = { phoneNumberId: string; wabaId: string }
type Flash = { notice?: string; error?: string; typed?: Typed }

async function renderWhatsApp(
  c: Context<AppEnv>,
  flash: Flash = {},
  status: ContentfulStatusCode = 200,
) {
  const { workspaceId, timeZone } = currentPrincipal(c)
  const loaded = await c.var.tenant((tx) => loadSettings(tx, workspaceId))
  const { sendingPause } = loaded
  const settings = {
    ...loaded,
    sendingPause: sendingPause && { ...sendingPause, time: zonedTime(sendingPause.at, timeZone) },
  }
  const { checkedNumber, wabaId } = settings.whatsapp
  const data = {
    ...flash,
    settings,
    form: flash.typed ?? { phoneNumberId: settings.phoneNumberId ?? '', wabaId: wabaId ?? '' },
    number: checkedNumber && {
      ...checkedNumber,
      quality: qualityWords(checkedNumber.qualityRating),
      checkedTime: zonedTime(new Date(checkedNumber.checkedAt), timeZone),
    },
    webhook: {
      url: `${requestOrigin(c)}/webhooks/whatsapp`,
      appSecretSet: c.var.deps.whatsapp.appSecret !== undefined,
      verifyTokenSet: c.var.deps.whatsapp.verifyToken !== undefined,
    },
  }
  const template = isHtmx(c) ? 'workspaces/whatsapp-panel' : 'workspaces/whatsapp'
  return c.html(c.var.render(template, data, { fragment: isHtmx(c) }), status)
}

/** Settings › WhatsApp: connect a business number or replace its token, checked with Meta first. */
export const whatsappConsole = new Hono<AppEnv>()
  .get('/settings/whatsapp', requireRole('admin'), (c) => renderWhatsApp(c))
  .post('/settings/whatsapp', requireRole('admin'), async (c) => {
    const fields = await formFields(c)
    const typed = { phoneNumberId: fields.phoneNumberId ?? '', wabaId: fields.wabaId ?? '' }
    const deps = { ...c.var.deps, log: c.var.log }
    try {
      const input = { ...typed, accessToken: fields.accessToken }
      const connected = await connectWhatsApp(deps, actorOf(c), input)
      return await renderWhatsApp(c, { notice: noticeOf(connected) })
    } catch (error) {
      // A refused check or bad input: the page says why and shows the form as typed.
      if (isAppError(error, 'validation_failed') || isAppError(error, 'whatsapp_unavailable')) {
        return renderWhatsApp(c, { error: error.message, typed }, ERRORS[error.code].status)
      }
      throw error
    }
  })
