import { randomUUID } from 'node:crypto'
import type { Tx } from '../db/tenant.js'
import { CONSENT_METHOD_LABELS } from '../consent/consent-entry.view.js'
import { zonedTime } from '../console/readable-time.js'
import { listTemplateViews } from '../templates/list-templates.js'
import { composerModeOf, templateRefusal } from './composer-rules.js'
import { skipWords } from './delivery-words.js'
import type { ThreadContactRow } from './thread.repo.js'

/** What the agent typed or chose when the send was refused, shown back with the problem. */
export interface ComposerFlash {
  readonly error?: string | undefined
  readonly text?: string | undefined
  readonly templateId?: string | undefined
  readonly fields?: Readonly<Record<string, string>> | undefined
}

function optedOutNotice(contact: ThreadContactRow, timeZone: string) {
  const at = contact.consentOccurredAt ?? contact.consentAt
  return {
    time: at ? zonedTime(at, timeZone) : null,
    method: contact.consentMethod ? CONSENT_METHOD_LABELS[contact.consentMethod] : null,
    keyword: contact.consentKeyword,
  }
}

async function templateChoices(tx: Tx, contact: ThreadContactRow, now: Date) {
  const templates = await listTemplateViews(tx, { approvedOnly: true })
  return templates.map((template) => {
    const refusal = templateRefusal(contact, template.category, now)
    const blocked = refusal ? skipWords(refusal) : template.unsupported.join(' ') || null
    return { ...template, blocked }
  })
}

/**
 * The composer for this contact, decided by the send gate's own rules: free text in the
 * window, approved templates outside it, the opted-out notice instead of either.
 */
export async function loadComposer(
  tx: Tx,
  contact: ThreadContactRow,
  options: { conversationId: string; now: Date; timeZone: string; flash?: ComposerFlash },
) {
  const mode = composerModeOf(contact, options.now)
  const common = {
    conversationId: options.conversationId,
    // A fresh key per rendered form: a double Enter or a resubmitted form is one send.
    sendKey: randomUUID(),
    flash: options.flash ?? {},
  }
  if (mode.kind === 'opted_out') {
    return {
      ...common,
      mode: mode.kind,
      notice: optedOutNotice(contact, options.timeZone),
      templates: [],
    }
  }
  const templates = await templateChoices(tx, contact, options.now)
  // The zone is named: an agent may sit elsewhere than the workspace's clock.
  const windowCloses =
    mode.kind === 'free_text' ? zonedTime(mode.windowClosesAt, options.timeZone) : null
  return { ...common, mode: mode.kind, windowCloses, templates, notice: null }
}
