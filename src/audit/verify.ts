import type { Db } from '../db/client.js'
import { withSystem, withTenant } from '../db/tenant.js'
import { workspaces } from '../db/schema.js'
import { firstBrokenLink, type BrokenLink, type StoredEntry } from './chain.js'
import { auditEntriesAfter } from './audit.repo.js'

const PAGE = 1000

/** What a verification found: entries checked, and the first broken link of each bad chain. */
export interface VerifyReport {
  workspaces: number
  entries: number
  broken: (BrokenLink & { workspaceId: string })[]
}

// One workspace's chain, page by page, each page checked against the last entry of the one before.
async function verifyWorkspace(db: Db, workspaceId: string, report: VerifyReport) {
  let previous: StoredEntry | undefined
  for (;;) {
    const page = await withTenant(db, workspaceId, (tx) =>
      auditEntriesAfter(tx, previous?.seq ?? 0, PAGE),
    )
    report.entries += page.length
    const broken = firstBrokenLink(page, previous)
    if (broken) return report.broken.push({ workspaceId, ...broken })
    if (page.length < PAGE) return
    previous = page.at(-1)
  }
}

/** Checks the audit chain of every workspace (or one), reporting where each one breaks. */
export async function verifyAuditChains(db: Db, only?: string): Promise<VerifyReport> {
  const ids = await withSystem(db, (tx) => tx.select({ id: workspaces.id }).from(workspaces))
  const report: VerifyReport = { workspaces: 0, entries: 0, broken: [] }
  for (const { id } of ids) {
    if (only !== undefined && id !== only) continue
    report.workspaces += 1
    await verifyWorkspace(db, id, report)
  }
  return report
}
