import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { hrefWith, isHtmx } from '../http/forms.js'
import { AppError, isAppError } from '../errors.js'
import { parseDayRange } from '../http/day-bounds.js'
import type { Db } from '../db/client.js'
import type { Tx } from '../db/tenant.js'
import type { BrokenLink } from './chain.js'
import { listAuditEntries } from './audit-log.repo.js'
import { loadAuditRecordTargets } from './audit-records.repo.js'
import { auditEntryView } from './audit-entry.view.js'
import { verifyAuditChains } from './verify.js'

const PAGE_SIZE = 50
const POSITIVE_INTEGER = /^[1-9]\d{0,15}$/

const BREAK_REASONS = {
  edited: 'it was changed after it was written',
  missing_before: 'an entry before it is missing',
  relinked: 'it no longer links to the entry before it',
} as const satisfies Record<BrokenLink['reason'], string>

type Filters = { from: string; to: string; action: string }
type AuditPage = { entries: ReturnType<typeof auditEntryView>[]; olderSeq: number | null }

function parseBefore(raw: string): number | undefined {
  if (raw === '') return undefined
  if (!POSITIVE_INTEGER.test(raw)) {
    throw new AppError('validation_failed', 'before must be an entry number (a positive integer)')
  }
  return Number(raw)
}

/** One page of the workspace's audit log, newest first, with the entry to continue before. */
export async function readAuditLog(
  tx: Tx,
  query: { filters: Filters; before: string; timeZone: string },
): Promise<AuditPage> {
  const { filters, timeZone } = query
  const rows = await listAuditEntries(tx, {
    ...parseDayRange(filters, timeZone),
    action: filters.action.trim(),
    beforeSeq: parseBefore(query.before),
    limit: PAGE_SIZE,
  })
  const page = rows.slice(0, PAGE_SIZE)
  const last = page.at(-1)
  const targets = await loadAuditRecordTargets(tx, page)
  return {
    entries: page.map((row) => auditEntryView(row, timeZone, targets)),
    olderSeq: rows.length > PAGE_SIZE && last ? last.seq : null,
  }
}

// The whole chain is checked, not just the page shown: an edit anywhere breaks what follows.
async function chainStatus(db: Db, workspaceId: string) {
  const report = await verifyAuditChains(db, workspaceId)
  const broken = report.broken.find((link) => link.workspaceId === workspaceId)
  if (broken) {
    return {
      intact: false,
      text: `The audit chain is broken at entry #${String(broken.seq)} (${BREAK_REASONS[broken.reason]}).`,
    }
  }
  const noun = report.entries === 1 ? 'entry' : 'entries'
  return { intact: true, text: `The chain of ${String(report.entries)} ${noun} is intact.` }
}

function filtersOf(c: Context<AppEnv>): Filters {
  const { from = '', to = '', action = '' } = c.req.query()
  return { from, to, action }
}

function renderLog(
  c: Context<AppEnv>,
  view: { filters: Filters; page: AuditPage; before: string; error?: string },
  status: 200 | 422 = 200,
) {
  const { filters, page, before } = view
  const data = {
    filters,
    filtered: Object.values(filters).some((value) => value !== '') || before !== '',
    entries: page.entries,
    olderHref: page.olderSeq && hrefWith('/audit', { ...filters, before: String(page.olderSeq) }),
    newestHref: before === '' ? null : hrefWith('/audit', filters),
    error: view.error,
  }
  return c.html(c.var.render('audit/log', data), status)
}

/**
 * The audit log for owners and admins: who changed what, and, on request, whether the chain is
 * intact (checking reads the whole chain, a year of entries, so it is not done on every view).
 */
export const auditConsole = new Hono<AppEnv>()
  .get('/audit', requireRole('admin'), async (c) => {
    const filters = filtersOf(c)
    const before = c.req.query('before') ?? ''
    try {
      const { timeZone } = currentPrincipal(c)
      const page = await c.var.tenant((tx) => readAuditLog(tx, { filters, before, timeZone }))
      return renderLog(c, { filters, page, before })
    } catch (error) {
      if (!isAppError(error, 'validation_failed')) throw error
      const page = { entries: [], olderSeq: null }
      return renderLog(c, { filters, page, before, error: error.message }, 422)
    }
  })
  .get('/audit/chain', requireRole('admin'), async (c) => {
    const chain = await chainStatus(c.var.deps.db, currentPrincipal(c).workspaceId)
    const template = isHtmx(c) ? 'audit/chain' : 'audit/chain-page'
    return c.html(c.var.render(template, { chain }, { fragment: isHtmx(c) }))
  })
