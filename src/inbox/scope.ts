import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv, Principal } from '../http/env.js'
import { currentPrincipal } from '../http/roles.js'
import { isUuid, type Tx } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { mayOpen, seesOnlyOwnAndUnassigned, type Viewer } from './inbox-rules.js'
import { findContactAssignee } from './scope.repo.js'

/** Why a sales user is refused a conversation, or anything of its contact. */
export const ASSIGNED_ELSEWHERE = 'This conversation is assigned to another agent'

/** A principal as the inbox rules take it (an API key is a viewer with no conversations of its own). */
export function viewerOfPrincipal(principal: Principal): Viewer {
  return { userId: principal.id, role: principal.role }
}

/** The viewer of a request, as the inbox rules take it. */
export function viewerOf(c: Context<AppEnv>): Viewer {
  return viewerOfPrincipal(currentPrincipal(c))
}

/** Forbidden unless the viewer may open the contact's conversation (the inbox's rule). */
export async function assertContactInScope(tx: Tx, viewer: Viewer, contactId: string) {
  if (!seesOnlyOwnAndUnassigned(viewer)) return
  if (!mayOpen(viewer, await findContactAssignee(tx, contactId))) {
    throw new AppError('forbidden', ASSIGNED_ELSEWHERE)
  }
}

/**
 * For routes under /contacts/:id: the contact's page, notes, labels, consent, messages and sends
 * follow its conversation's scope. Runs after requireRole; an id that is no UUID is the route's
 * own 404.
 */
export const contactInScope = createMiddleware<AppEnv>(async (c, next) => {
  const id = c.req.param('id')
  if (id !== undefined && isUuid(id)) {
    const viewer = viewerOf(c)
    await c.var.tenant((tx) => assertContactInScope(tx, viewer, id))
  }
  await next()
})
