import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { recordAudit } from '../audit/record-audit.js'
import { actingOf } from '../http/actor.js'
import { formFields } from '../http/forms.js'
import { clientIp } from '../http/client-info.js'
import { AppError, ERRORS } from '../errors.js'
import { changeOwnPassword } from './change-password.js'
import {
  forgetPasswordFailures,
  reservePasswordAttempt,
  type PasswordAttempt,
} from './password-attempts.js'

type Flash = { notice?: string; error?: string }

function renderAccount(c: Context<AppEnv>, flash: Flash = {}, status: 200 | 422 | 429 = 200) {
  return c.html(c.var.render('account/index', flash), status)
}

async function answerFailure(c: Context<AppEnv>, error: unknown, attempt: PasswordAttempt) {
  if (!(error instanceof AppError)) throw error
  if (error.code === 'rate_limited') {
    const retryAfter = error.extra?.retryAfter
    if (typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter))
    return renderAccount(c, { error: error.detail ?? error.message }, 429)
  }
  if (error.code !== 'validation_failed') throw error
  // The attempt was counted before the check; only a wrong current password keeps it counted.
  if (error.extra?.wrongPassword !== true) await forgetPasswordFailures(c.var.deps, attempt)
  return renderAccount(c, { error: error.detail ?? error.message }, ERRORS.validation_failed.status)
}

/** /account: every signed-in user's own page, where they change their password. */
export const accountConsole = new Hono<AppEnv>()
  .get('/account', requireRole('sales'), (c) => renderAccount(c))
  .post('/account/password', requireRole('sales'), async (c) => {
    const { current = '', next = '', repeat = '' } = await formFields(c)
    const actor = currentPrincipal(c)
    // Wrong current passwords count against the same limits as failed logins.
    const attempt = { email: actor.email ?? '', ip: clientIp(c) }
    try {
      await reservePasswordAttempt(c.var.deps, attempt)
      await c.var.tenant(async (tx) => {
        await changeOwnPassword(tx, actor, { current, next, repeat }, c.var.deps.now())
        await recordAudit(tx, actingOf(c), {
          action: 'user.password_change',
          recordType: 'user',
          recordId: actor.id,
        })
      })
    } catch (error) {
      return answerFailure(c, error, attempt)
    }
    await forgetPasswordFailures(c.var.deps, attempt)
    // This request's principal was loaded before the change; the page should show the new state.
    c.set('principal', { ...actor, mustChangePassword: false })
    return renderAccount(c, { notice: 'Password changed. Your other sessions were signed out.' })
  })
