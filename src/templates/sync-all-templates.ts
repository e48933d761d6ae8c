import { withSystem } from '../db/tenant.js'
import { isAppError } from '../errors.js'
import { listConnectedWorkspaceIds } from './templates.repo.js'
import { syncTemplates, type SyncCounts, type SyncDeps } from './sync-templates.js'

/** What a sync job ended with: the counts, or the sentence that says why it did not run. */
export type SyncOutcome =
  ({ readonly ok: true } & SyncCounts) | { readonly ok: false; readonly problem: string }

/**
 * The `templates.sync` job: a workspace that is not connected, or that Meta refuses, ends the
 * job with its reason logged rather than a failure agenda would keep retrying.
 */
export async function syncTemplatesJob(
  deps: SyncDeps,
  payload: { readonly workspaceId: string },
): Promise<SyncOutcome> {
  const { workspaceId } = payload
  try {
    return { ok: true, ...(await syncTemplates(deps, workspaceId)) }
  } catch (error) {
    if (
      !isAppError(error, 'whatsapp_not_connected') &&
      !isAppError(error, 'whatsapp_unavailable')
    ) {
      throw error
    }
    deps.log.warn({ workspaceId, problem: error.message }, 'templates not synced')
    return { ok: false, problem: error.message }
  }
}

/**
 * The daily `templates.sync-all` job: every workspace with a WhatsApp Business Account and a
 * token, one after another; one failing is logged and the others still sync. `workspaceIds`
 * narrows the run (tests share one database).
 */
export async function syncAllTemplates(
  deps: SyncDeps & { readonly shutdown?: AbortSignal },
  options: { readonly workspaceIds?: readonly string[] } = {},
): Promise<{ readonly synced: number; readonly failed: number }> {
  const connected = await withSystem(deps.db, (tx) => listConnectedWorkspaceIds(tx))
  const wanted = options.workspaceIds
  const ids = wanted ? connected.filter((id) => wanted.includes(id)) : connected
  let synced = 0
  let failed = 0
  for (const workspaceId of ids) {
    // A shutting-down process stops here; tomorrow's run picks up the rest.
    if (deps.shutdown?.aborted) break
    try {
      const outcome = await syncTemplatesJob(deps, { workspaceId })
      if (outcome.ok) synced += 1
      else failed += 1
    } catch (error) {
      failed += 1
      deps.log.error({ err: error, workspaceId }, 'template sync failed')
    }
  }
  return { synced, failed }
}
