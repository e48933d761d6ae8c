import type { Tx } from '../db/tenant.js'
import { isUuid } from '../db/tenant.js'
import type { Acting } from '../actor.js'
import { AppError } from '../errors.js'
import { recordAudit } from '../audit/record-audit.js'
import { setAssignee } from '../conversations/conversations.repo.js'
import { isActiveUser } from './assignees.repo.js'
import type { ConversationRow } from './inbox.repo.js'

/**
 * Assigns an opened conversation to an active user of the workspace, or unassigns it (blank),
 * and records it in the audit chain. Unchanged assignments write nothing.
 */
export async function assignConversation(
  tx: Tx,
  acting: Acting,
  change: { conversation: ConversationRow; assignee: string },
) {
  const { conversation } = change
  const assigneeId = change.assignee === '' ? null : change.assignee
  if (assigneeId !== null && !(isUuid(assigneeId) && (await isActiveUser(tx, assigneeId)))) {
    throw new AppError('validation_failed', 'Choose an active user of this workspace.')
  }
  if (assigneeId === conversation.assigneeId) return
  await setAssignee(tx, conversation.id, assigneeId)
  await recordAudit(tx, acting, {
    action: 'conversation.assign',
    recordType: 'conversation',
    recordId: conversation.id,
    details: { from: conversation.assigneeId, to: assigneeId },
  })
}
