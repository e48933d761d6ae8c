import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { recordAudit } from '../audit/record-audit.js'
import { actingOf } from '../http/actor.js'
import { formFields, isHtmx } from '../http/forms.js'
import { AppError, ERRORS } from '../errors.js'
import { createUser } from './create-user.js'
import { changeUserRole, resetUserPassword, setUserActive, unlockUser } from './manage-user.js'
import { assignableRoles, loadUserDirectory } from './list-users.js'
import { isRole } from './rules.js'

type Flash = {
  notice?: string
  error?: string
  values?: Record<string, string>
  reset?: { name: string; email: string; password: string }
}

async function renderUsers(
  c: Context<AppEnv>,
  flash: Flash = {},
  status: 200 | 409 | 422 | 403 = 200,
) {
  const viewer = currentPrincipal(c)
  const users = await c.var.tenant((tx) => loadUserDirectory(tx, c.var.deps.cipher, viewer))
  const data = { users, roles: assignableRoles(viewer), values: {}, ...flash }
  // htmx swaps just the users panel; a plain form post gets the whole page back.
  const template = isHtmx(c) ? 'users/panel' : 'users/index'
  return c.html(c.var.render(template, data, { fragment: isHtmx(c) }), status)
}

async function answerFailure(c: Context<AppEnv>, error: unknown, values?: Record<string, string>) {
  if (!(error instanceof AppError) || error.code === 'internal' || error.code === 'unauthorized')
    throw error
  const status = ERRORS[error.code].status
  if (status !== 409 && status !== 422 && status !== 403) throw error
  return renderUsers(
    c,
    { error: error.detail ?? error.message, ...(values ? { values } : {}) },
    status,
  )
}

function userEvent(action: string, userId: string, details?: Record<string, unknown>) {
  return { action, recordType: 'user', recordId: userId, ...(details && { details }) }
}

/** Users management for owners and admins: create, change role, reset password, (de)activate, unlock. */
export const usersConsole = new Hono<AppEnv>()
  .get('/users', requireRole('admin'), (c) => renderUsers(c))
  .post('/users', requireRole('admin'), async (c) => {
    const values = await formFields(c)
    const role = values.role ?? ''
    try {
      const viewer = currentPrincipal(c)
      if (isRole(role) && !assignableRoles(viewer).includes(role)) {
        throw new AppError('forbidden', 'Only an owner can make an owner')
      }
      await c.var.tenant(async (tx) => {
        const id = await createUser(tx, c.var.deps, {
          workspaceId: viewer.workspaceId,
          email: values.email ?? '',
          name: values.name ?? '',
          password: values.password ?? '',
          role,
          phone: values.phone,
        })
        await recordAudit(tx, actingOf(c), userEvent('user.create', id, { role }))
      })
      return await renderUsers(c, { notice: `Created ${values.email ?? ''}` })
    } catch (error) {
      return answerFailure(c, error, { ...values, password: '' })
    }
  })
  .post('/users/:id/role', requireRole('admin'), async (c) => {
    const { role = '' } = await formFields(c)
    try {
      if (!isRole(role)) throw new AppError('validation_failed', 'Unknown role')
      const actor = currentPrincipal(c)
      await c.var.tenant(async (tx) => {
        await changeUserRole(tx, actor, c.req.param('id'), role, c.var.deps.now())
        await recordAudit(tx, actingOf(c), userEvent('user.role', c.req.param('id'), { role }))
      })
      return await renderUsers(c, { notice: 'Role changed' })
    } catch (error) {
      return answerFailure(c, error)
    }
  })
  .post('/users/:id/activation', requireRole('admin'), async (c) => {
    const { active } = await formFields(c)
    try {
      const actor = currentPrincipal(c)
      const makeActive = active === 'true'
      await c.var.tenant(async (tx) => {
        await setUserActive(tx, actor, c.req.param('id'), makeActive, c.var.deps.now())
        const action = makeActive ? 'user.reactivate' : 'user.deactivate'
        await recordAudit(tx, actingOf(c), userEvent(action, c.req.param('id')))
      })
      return await renderUsers(c, { notice: makeActive ? 'User reactivated' : 'User deactivated' })
    } catch (error) {
      return answerFailure(c, error)
    }
  })
  .post('/users/:id/password', requireRole('admin'), async (c) => {
    try {
      const actor = currentPrincipal(c)
      const reset = await c.var.tenant(async (tx) => {
        const done = await resetUserPassword(tx, actor, c.req.param('id'), c.var.deps.now())
        await recordAudit(tx, actingOf(c), userEvent('user.password_reset', c.req.param('id')))
        return done
      })
      // The page carries a password: no cache, no back-button copy.
      c.header('Cache-Control', 'no-store')
      return await renderUsers(c, { reset })
    } catch (error) {
      return answerFailure(c, error)
    }
  })
  .post('/users/:id/unlock', requireRole('admin'), async (c) => {
    try {
      const actor = currentPrincipal(c)
      const target = await c.var.tenant(async (tx) => {
        const unlocked = await unlockUser(tx, c.var.deps, actor, c.req.param('id'))
        await recordAudit(tx, actingOf(c), userEvent('user.unlock', c.req.param('id')))
        return unlocked
      })
      return await renderUsers(c, { notice: `${target.name} can sign in again from anywhere` })
    } catch (error) {
      return answerFailure(c, error)
    }
  })
