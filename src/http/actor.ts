import type { Context } from 'hono'
import type { Acting, PersonActor } from '../actor.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import type { AppDeps, AppEnv, Principal } from './env.js'
import { currentPrincipal } from './roles.js'
import { clientIp } from './client-info.js'

/** The request's principal and client address as the actor of the use cases it calls. */
export function actorOf(c: Context<AppEnv>): PersonActor {
  const principal = currentPrincipal(c)
  return {
    workspaceId: principal.workspaceId,
    kind: principal.kind,
    id: principal.id,
    // The audit log has always named users by email (unique, unlike names) and keys by name.
    name: principal.email ?? principal.name,
    ip: clientIp(c),
  }
}

/** The request's actor, the time it acts at and the field cipher: what most use cases take. */
export function actingOf(c: Context<AppEnv>): Acting & { readonly cipher: FieldCipher } {
  return { actor: actorOf(c), now: c.var.deps.now(), cipher: c.var.deps.cipher }
}

/** Who uses a console page and the app's services: what page loaders take instead of Hono's context. */
export interface ConsoleScope {
  readonly principal: Principal
  readonly deps: AppDeps
}

/** The request's principal and the app's services, for a page loader or a panel's form. */
export function consoleScopeOf(c: Context<AppEnv>): ConsoleScope {
  return { principal: currentPrincipal(c), deps: c.var.deps }
}
