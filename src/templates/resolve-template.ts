import type { Tx } from '../db/tenant.js'
import { findTemplateByKey } from './templates.repo.js'
import { templateViewOf, type TemplateCategory, type TemplateView } from './rules.js'

/** Which template a sender names: the workspace's, by name and Meta's language code. */
export interface TemplateKey {
  readonly workspaceId: string
  readonly name: string
  readonly language: string
}

/** The synced template and its category, or why it cannot be sent. */
export type ResolvedTemplate =
  | { readonly template: TemplateView; readonly category: TemplateCategory }
  | {
      readonly refused: 'template_not_found' | 'template_not_approved'
      /** A sentence for the sender. */
      readonly detail: string
    }

/**
 * The one way a template send learns its category: from the workspace's templates as last
 * synced from Meta, never from the sender. A caller's word would let a marketing template
 * pass as utility to a contact who stopped marketing.
 */
export async function resolveTemplate(tx: Tx, key: TemplateKey): Promise<ResolvedTemplate> {
  const row = await findTemplateByKey(tx, key)
  const named = `${key.name} (${key.language})`
  if (!row) {
    return {
      refused: 'template_not_found',
      detail: `This workspace has no template ${named}. Templates come from Meta: sync them on the Templates page.`,
    }
  }
  if (row.status !== 'APPROVED') {
    return {
      refused: 'template_not_approved',
      detail: `Meta has not approved the template ${named}: its status is ${row.status}.`,
    }
  }
  const template = templateViewOf(row)
  return { template, category: template.category }
}
