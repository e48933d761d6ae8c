import type { Tx } from '../db/tenant.js'
import { findTemplate, listTemplates } from './templates.repo.js'
import { templateViewOf, type TemplateView } from './rules.js'

/** The workspace's templates as views, by name then language; only approved ones if asked. */
export async function listTemplateViews(
  tx: Tx,
  options: { readonly approvedOnly: boolean },
): Promise<TemplateView[]> {
  const rows = await listTemplates(tx, options)
  return rows.map(templateViewOf)
}

/** The template with this id when Meta approved it (only those can be sent), else undefined. */
export async function findApprovedTemplate(tx: Tx, id: string): Promise<TemplateView | undefined> {
  const row = await findTemplate(tx, id)
  return row?.status === 'APPROVED' ? templateViewOf(row) : undefined
}
