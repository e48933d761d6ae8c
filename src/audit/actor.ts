import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal } from '../http/roles.js'
import { clientIp } from '../http/client-info.js'
import type { Tx } from '../db/tenant.js'
import { recordAudit, type AuditActor, type AuditEvent } from './record-audit.js'

/** The request's principal and address as an audit actor. */
export function auditActorOf(c: Context<AppEnv>): AuditActor {
  const principal = currentPrincipal(c)
  return {
    actorType: principal.kind,
    actorId: principal.id,
    actorName: principal.email ?? principal.name,
    ip: clientIp(c),
  }
}

/** Records an audit entry for this request's principal, in the given tenant transaction. */
export function auditRequest(c: Context<AppEnv>, tx: Tx, event: AuditEvent): Promise<void> {
  const { workspaceId } = currentPrincipal(c)
  return recordAudit(tx, { workspaceId, at: c.var.deps.now() }, auditActorOf(c), event)
}
