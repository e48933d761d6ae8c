import type { ConsoleScope } from '../http/actor.js'
import { roleAtLeast } from '../http/roles.js'
import type { Tx } from '../db/tenant.js'
import { loadSendingPause, pauseCauseOf } from '../workspaces/settings.js'
import { loadContactProfile } from '../contacts/contact-profile.js'
import { readConsentLog } from '../consent/consent-log.js'
import { consentEntryView } from '../consent/consent-entry.view.js'
import { markConversationRead } from '../conversations/conversations.repo.js'
import { listAssignableUsers } from './assignees.repo.js'
import { masksPhonesFor, type InboxSettings } from './settings.js'
import { loadWorkspaceSettings } from '../workspaces/workspaces.repo.js'
import { findLatestInboundWamid } from './thread.repo.js'
import { loadThreadEntries, openConversation } from './load-conversation.js'
import type { ThreadLook } from './thread.view.js'
import { loadComposer, type ComposerFlash } from './composer.js'
import { enqueueAfterCommit } from '../jobs/after-commit.js'
import { viewerOfPrincipal } from './scope.js'

const RECENT_CONSENT = { fallback: 5, max: 5 }

/** The contact's latest consent changes, as the conversation's side panel lists them. */
export async function loadConsentHistory(
  tx: Tx,
  look: Pick<ThreadLook, 'cipher' | 'timeZone'>,
  contactId: string,
) {
  const { timeZone } = look
  const log = await readConsentLog(tx, look.cipher, { contactId, timeZone }, RECENT_CONSENT)
  return { entries: log.data.map((entry) => consentEntryView(entry, timeZone)) }
}

/**
 * How this request shows a conversation: on the workspace's clock, and with the workspace's
 * sending pause, which every agent is shown (a reply they queue waits for it).
 */
export async function conversationLookOf(tx: Tx, scope: ConsoleScope) {
  const { workspaceId, timeZone, role } = scope.principal
  const sendingPause = await loadSendingPause(tx, workspaceId)
  const look: ThreadLook = { cipher: scope.deps.cipher, timeZone, sendingPaused: !!sendingPause }
  const canResume = roleAtLeast(role, 'admin')
  return { look, paused: sendingPause && { cause: pauseCauseOf(sendingPause), canResume } }
}

/**
 * Clears the conversation's unread count and, when the workspace wants it, asks Meta to show
 * the contact blue ticks (a job: the page does not wait for Meta).
 */
export async function readConversation(
  tx: Tx,
  scope: ConsoleScope,
  opened: { id: string; contactId: string },
  known?: InboxSettings,
) {
  if (!(await markConversationRead(tx, opened.id))) return
  const { workspaceId } = scope.principal
  const settings = known ?? (await loadWorkspaceSettings(tx, workspaceId)).inbox
  if (!settings.markAsRead) return
  const wamid = await findLatestInboundWamid(tx, opened.contactId)
  if (wamid)
    enqueueAfterCommit(tx, scope.deps, {
      name: 'outbound.mark-read',
      payload: { workspaceId, wamid },
    })
}

/** Everything the conversation page shows: header, thread, composer, assignment, contact panel. */
export async function loadConversationPage(
  tx: Tx,
  scope: ConsoleScope,
  page: { readonly id: string; readonly flash?: ComposerFlash | undefined },
) {
  const { id, flash } = page
  const { deps, principal } = scope
  const { cipher } = deps
  const { look, paused } = await conversationLookOf(tx, scope)
  const { timeZone } = look
  const opened = await openConversation(tx, id, viewerOfPrincipal(principal))
  const { conversation, contact } = opened
  // One read of the workspace's settings serves the masking and the mark-as-read.
  const settings = (await loadWorkspaceSettings(tx, principal.workspaceId)).inbox
  await readConversation(tx, scope, conversation, settings)
  const maskPhone = masksPhonesFor(principal.role, settings)
  const composerOptions = { conversationId: id, now: deps.now(), timeZone, flash }
  return {
    conversation,
    paused,
    entries: await loadThreadEntries(tx, look, contact.id),
    composer: await loadComposer(tx, contact, composerOptions),
    assignment: { conversation, users: await listAssignableUsers(tx) },
    profile: await loadContactProfile(tx, cipher, contact.id, { maskPhone, timeZone }),
    consentHistory: await loadConsentHistory(tx, look, contact.id),
  }
}
