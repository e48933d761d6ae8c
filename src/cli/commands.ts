import type { JobDeps } from '../jobs/types.js'
import { withSystem, withTenant, isUuid } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { createWorkspace } from '../workspaces/create-workspace.js'
import { connectWhatsApp } from '../workspaces/connect-whatsapp.js'
import { findWorkspace } from '../workspaces/workspaces.repo.js'
import { createUser } from '../users/create-user.js'
import { isRole } from '../users/rules.js'
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.js'
import { recordAudit } from '../audit/record-audit.js'
import { systemActor } from '../actor.js'
import { ROLES } from '../db/schema.js'
import { readFlags } from './args.js'

/** What a data command may use: the same services a background job gets. */
export type CommandDeps = JobDeps

async function requireWorkspace(deps: CommandDeps, id: string): Promise<string> {
  const found = isUuid(id)
    ? await withTenant(deps.db, id, (tx) => findWorkspace(tx, id))
    : undefined
  if (!found) throw new AppError('not_found', `no workspace with id ${id}`)
  return found.id
}

function requireRole(role: string) {
  if (!isRole(role)) {
    throw new AppError('validation_failed', `unknown role "${role}" (use ${ROLES.join(', ')})`)
  }
  return role
}

/** `workspace:create --name N [--phone-number-id ID --access-token T --waba-id W] [--timezone Area/City]` */
export async function workspaceCreate(deps: CommandDeps, argv: string[]) {
  const flags = readFlags(argv, {
    required: ['name'],
    optional: ['phone-number-id', 'access-token', 'waba-id', 'timezone'],
  })
  // A number without its token can neither be checked with Meta nor send: a half-connected
  // workspace that fails later, far from this command.
  if (flags['phone-number-id'] !== undefined && !flags['access-token']) {
    throw new AppError('validation_failed', '--phone-number-id needs --access-token too')
  }
  const id = await withSystem(deps.db, (tx) =>
    createWorkspace(tx, deps, {
      name: flags.name,
      phoneNumberId: flags['phone-number-id'],
      accessToken: flags['access-token'],
      wabaId: flags['waba-id'],
      timeZone: flags.timezone,
    }),
  )
  return { id }
}

/**
 * `workspace:connect --workspace ID --phone-number-id ID --access-token T [--waba-id W]`: the
 * Settings › WhatsApp check and save, for operators who script their set-up.
 */
export async function workspaceConnect(deps: CommandDeps, argv: string[]) {
  const flags = readFlags(argv, {
    required: ['workspace', 'phone-number-id', 'access-token'],
    optional: ['waba-id'],
  })
  const workspaceId = await requireWorkspace(deps, flags.workspace)
  // The audit log names the command: no person or key acted.
  const connected = await connectWhatsApp(
    deps,
    systemActor(workspaceId, 'parley workspace:connect'),
    {
      phoneNumberId: flags['phone-number-id'],
      accessToken: flags['access-token'],
      wabaId: flags['waba-id'],
    },
  )
  const { phoneNumberId, displayPhoneNumber } = connected.number
  return { id: workspaceId, phoneNumberId, displayPhoneNumber }
}

/** `user:create --workspace ID --email E --password P --role R [--phone +E164] [--name N]` */
export async function userCreate(deps: CommandDeps, argv: string[]) {
  const flags = readFlags(argv, {
    required: ['workspace', 'email', 'password', 'role'],
    optional: ['phone', 'name'],
  })
  const role = requireRole(flags.role)
  const workspaceId = await requireWorkspace(deps, flags.workspace)
  const id = await withTenant(deps.db, workspaceId, (tx) =>
    createUser(tx, deps, { ...flags, name: flags.name ?? '', role, workspaceId }),
  )
  return { id }
}

/** `apikey:create --workspace ID --role ROLE [--name N]` */
export async function apikeyCreate(deps: CommandDeps, argv: string[]) {
  const flags = readFlags(argv, { required: ['workspace', 'role'], optional: ['name'] })
  const role = requireRole(flags.role)
  const workspaceId = await requireWorkspace(deps, flags.workspace)
  const { key } = await createApiKey(deps, { workspaceId, role, name: flags.name ?? `${role} key` })
  return { key }
}

/** `apikey:list --workspace ID`: the live keys, as Settings shows them (never the key). */
export async function apikeyList(deps: CommandDeps, argv: string[]) {
  const flags = readFlags(argv, { required: ['workspace'] })
  const workspaceId = await requireWorkspace(deps, flags.workspace)
  const keys = await withTenant(deps.db, workspaceId, listApiKeys)
  return { keys }
}

/** `apikey:revoke --workspace ID --id KEYID`: the key gets 401 from its next request; audited. */
export async function apikeyRevoke(deps: CommandDeps, argv: string[]) {
  const flags = readFlags(argv, { required: ['workspace', 'id'] })
  const workspaceId = await requireWorkspace(deps, flags.workspace)
  const now = deps.now()
  const revoked = await withTenant(deps.db, workspaceId, async (tx) => {
    const key = await revokeApiKey(tx, flags.id, now)
    const actor = systemActor(workspaceId, 'parley apikey:revoke')
    await recordAudit(
      tx,
      { actor, now },
      {
        action: 'apikey.revoke',
        recordType: 'api_key',
        recordId: key.id,
      },
    )
    return key
  })
  return { id: revoked.id, name: revoked.name, revoked: true }
}
