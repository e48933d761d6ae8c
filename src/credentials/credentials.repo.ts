import { and, eq, sql } from 'drizzle-orm'
import type { Tx } from '../db/tenant.js'
import { serviceCredentials, workspaces } from '../db/schema.js'

/** The WhatsApp columns of the workspace visible to this transaction, token still encrypted. */
export async function findWhatsAppColumns(tx: Tx, workspaceId: string) {
  const [row] = await tx
    .select({
      phoneNumberId: workspaces.phoneNumberId,
      wabaId: workspaces.wabaId,
      accessTokenEnc: workspaces.accessTokenEnc,
    })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
  return row
}

/** Inserts or replaces one service's encrypted secret for the workspace. */
export async function upsertServiceSecret(
  tx: Tx,
  row: { workspaceId: string; service: string; secretEnc: string },
): Promise<void> {
  await tx
    .insert(serviceCredentials)
    .values(row)
    .onConflictDoUpdate({
      target: [serviceCredentials.workspaceId, serviceCredentials.service],
      set: { secretEnc: row.secretEnc, updatedAt: sql`now()` },
    })
}

/** One service's encrypted secret for the workspace, if stored (RLS hides other workspaces). */
export async function findServiceSecret(tx: Tx, workspaceId: string, service: string) {
  const [row] = await tx
    .select({ secretEnc: serviceCredentials.secretEnc, updatedAt: serviceCredentials.updatedAt })
    .from(serviceCredentials)
    .where(
      and(eq(serviceCredentials.workspaceId, workspaceId), eq(serviceCredentials.service, service)),
    )
  return row
}
