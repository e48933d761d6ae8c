import type { JobDeps } from '../jobs/types.js'
import { AppError } from '../errors.js'
import { isUuid } from '../db/tenant.js'
import { verifyAuditChains } from '../audit/verify.js'
import { readFlags } from './args.js'

/** `audit:verify [--workspace ID]`: checks the audit chains; fails naming the first broken link. */
export async function auditVerify(deps: JobDeps, argv: string[]) {
  const flags = readFlags(argv, { required: [], optional: ['workspace'], switches: [] })
  if (flags.workspace !== undefined && !isUuid(flags.workspace)) {
    throw new AppError('validation_failed', '--workspace must be a workspace id')
  }
  const report = await verifyAuditChains(deps.db, flags.workspace)
  const [first] = report.broken
  if (first) {
    throw new AppError(
      'validation_failed',
      `audit chain broken in workspace ${first.workspaceId} at entry ${first.seq} (${first.reason.replaceAll('_', ' ')}); ${report.broken.length} chain(s) broken`,
    )
  }
  return { ok: true, workspaces: report.workspaces, entries: report.entries }
}
