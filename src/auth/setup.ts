import { sql } from 'drizzle-orm'
import type { AppDeps } from '../http/env.js'
import { withSystem } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { createWorkspace } from '../workspaces/create-workspace.js'
import { createUser } from '../users/create-user.js'
import { hasNoWorkspace } from './auth.repo.js'
import { setupProblems } from './setup-rules.js'
import { DEFAULT_TIME_ZONE, isTimeZone } from '../console/time-zone.js'

// Serialises concurrent first-run submissions so only one workspace can win.
const SETUP_LOCK = 0x73657475

/** True until the first workspace exists. */
export function needsSetup(deps: Pick<AppDeps, 'db'>): Promise<boolean> {
  return withSystem(deps.db, hasNoWorkspace)
}

/**
 * First run: creates the first workspace and its owner, once. `timeZone` is the owner's browser's
 * zone; one this server does not know becomes UTC rather than blocking setup (Settings changes it).
 * Invalid fields are refused together, named in the error's `fields`.
 */
export async function setUpFirstWorkspace(
  deps: Pick<AppDeps, 'db' | 'cipher'>,
  input: { workspaceName: string; name: string; email: string; password: string; timeZone: string },
) {
  const fields = setupProblems(input)
  if (Object.keys(fields).length > 0) {
    throw new AppError('validation_failed', Object.values(fields).join('; '), { fields })
  }
  const timeZone = isTimeZone(input.timeZone) ? input.timeZone : DEFAULT_TIME_ZONE
  return withSystem(deps.db, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK})`)
    if (!(await hasNoWorkspace(tx))) throw new AppError('already_set_up')
    const workspaceId = await createWorkspace(tx, deps, { name: input.workspaceName, timeZone })
    const userId = await createUser(tx, deps, { ...input, role: 'owner', workspaceId })
    return { workspaceId, userId }
  })
}
