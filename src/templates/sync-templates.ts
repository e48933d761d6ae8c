import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { withTenant, type Tx } from '../db/tenant.js'
import { loadWhatsAppCredentials } from '../credentials/whatsapp.js'
import { AppError } from '../errors.js'
import type { MessageTemplate } from '../whatsapp/cloud-api.js'
import { GraphError, type GraphTarget } from '../whatsapp/graph-errors.js'
import {
  fetchAllTemplates,
  TemplatesUnreachableError,
  type TemplatesSource,
} from '../whatsapp/templates-client.js'
import { deleteTemplatesExcept, upsertTemplates, type SyncedTemplate } from './templates.repo.js'

/** What a template sync uses: the database, the token cipher and where Meta is. */
export interface SyncDeps {
  readonly db: Db
  readonly cipher: FieldCipher
  readonly log: Logger
  readonly graph: GraphTarget
  now(): Date
}

/** How a sync changed the stored templates. */
export interface SyncCounts {
  readonly synced: number
  readonly removed: number
}

/** Runs in the transaction that stored the templates (an audit entry goes with its change). */
export type OnStored = (tx: Tx, counts: SyncCounts) => Promise<void>

async function sourceFor(tx: Tx, deps: SyncDeps, workspaceId: string): Promise<TemplatesSource> {
  const { wabaId, accessToken } =
    (await loadWhatsAppCredentials(tx, deps.cipher, workspaceId)) ?? {}
  if (!wabaId || !accessToken) throw new AppError('whatsapp_not_connected', NOT_CONNECTED)
  return { ...deps.graph, wabaId, accessToken }
}

const NOT_CONNECTED =
  'Templates come from your WhatsApp Business Account: ' +
  'connect its id (WABA id) and an access token first, under Settings › WhatsApp.'

// Meta's codes for a dead token (190), a missing permission (10, 200) and rate limits (§6).
const PROBLEMS = new Map<number, string>([
  [190, 'Meta refused the access token (error 190): it expired or was revoked. Connect again.'],
  [10, 'The access token lacks the whatsapp_business_management permission (error 10).'],
  [200, 'The access token lacks the whatsapp_business_management permission (error 200).'],
  [4, 'Meta is limiting requests right now (error 4): try again in a few minutes.'],
  [80008, 'Meta is limiting requests right now (error 80008): try again in a few minutes.'],
])

/** A sentence an operator can act on, for a failed template list call. */
export function syncProblemOf(error: unknown): string {
  if (error instanceof TemplatesUnreachableError) {
    return 'Meta could not be reached to list the templates: try again in a few minutes.'
  }
  if (!(error instanceof GraphError)) {
    const reason = error instanceof Error ? error.message : 'unknown error'
    return `Meta's template list could not be read (${reason}).`
  }
  const known = error.code === undefined ? undefined : PROBLEMS.get(error.code)
  return known ?? `Meta refused to list the templates (${error.message}).`
}

/** Meta's templates as rows; a name and language pair listed twice keeps its last entry. */
function toSynced(listed: readonly MessageTemplate[]): SyncedTemplate[] {
  const byKey = new Map<string, SyncedTemplate>()
  for (const t of listed) {
    const components = (t.components ?? []).map((component) => ({ ...component }))
    byKey.set(`${t.name}\u0000${t.language}`, {
      metaId: t.id,
      name: t.name,
      language: t.language,
      category: t.category,
      status: t.status,
      components,
    })
  }
  return [...byKey.values()]
}

/**
 * Replaces the workspace's stored templates with what Meta lists now: every page is read
 * first (outside any transaction: no lock waits on Meta), then one transaction upserts them and
 * deletes the ones Meta no longer lists. Safe to run twice.
 */
export async function syncTemplates(
  deps: SyncDeps,
  workspaceId: string,
  options: { readonly onStored?: OnStored } = {},
): Promise<SyncCounts> {
  const source = await withTenant(deps.db, workspaceId, (tx) => sourceFor(tx, deps, workspaceId))
  let listed: MessageTemplate[]
  try {
    listed = await fetchAllTemplates(source)
  } catch (error) {
    // The page shows the sentence; the log keeps Meta's own answer for whoever fixes it.
    deps.log.warn({ err: error, workspaceId }, 'listing templates from Meta failed')
    throw new AppError('whatsapp_unavailable', syncProblemOf(error))
  }
  const templates = toSynced(listed)
  return withTenant(deps.db, workspaceId, async (tx) => {
    await upsertTemplates(tx, workspaceId, templates, deps.now())
    const removed = await deleteTemplatesExcept(tx, workspaceId, templates)
    const counts = { synced: templates.length, removed }
    await options.onStored?.(tx, counts)
    return counts
  })
}
