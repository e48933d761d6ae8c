import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { auditRequest } from '../audit/actor.js'
import { formFields } from '../http/forms.js'
import { isAppError } from '../errors.js'
import { changeOwnPassword } from './change-password.js'

function renderAccount(c: Context<AppEnv>, flash: { notice?: string; error?: string } = {}) {
  return c.html(c.var.render('account/index', flash), flash.error ? 422 : 200)
}

/** /account: every signed-in user's own page, where they change their password. */
export const accountConsole = new Hono<AppEnv>()
  .get('/account', requireRole('sales'), (c) => renderAccount(c))
  .post('/account/password', requireRole('sales'), async (c) => {
    const { current = '', next = '', repeat = '' } = await formFields(c)
    const actor = currentPrincipal(c)
    try {
      await c.var.tenant(async (tx) => {
        await changeOwnPassword(tx, actor, { current, next, repeat }, c.var.deps.now())
        await auditRequest(c, tx, {
          action: 'user.password_change',
          recordType: 'user',
          recordId: actor.id,
        })
      })
    } catch (error) {
      if (!isAppError(error, 'validation_failed')) throw error
      return renderAccount(c, { error: error.detail ?? error.message })
    }
    // This request's principal was loaded before the change; the page should show the new state.
    c.set('principal', { ...actor, mustChangePassword: false })
    return renderAccount(c, { notice: 'Password changed. Your other sessions were signed out.' })
  })
