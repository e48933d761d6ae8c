import type { ConsentMethod, ConsentScope } from '../db/schema.js'
import type { ConsentEntry } from './consent-log.js'
import { readableTime } from '../console/readable-time.js'

/** How a consent change came about, as the console says it. */
export const CONSENT_METHOD_LABELS = {
  keyword: 'Keyword (STOP, START…)',
  button: 'Opt-out button',
  platform: 'WhatsApp (Meta)',
  manual: 'By hand',
  api: 'API',
  system: 'Parley (a job)',
} as const satisfies Record<ConsentMethod, string>

const SCOPE_LABELS = {
  messaging: 'All messages',
  marketing: 'Marketing',
} as const satisfies Record<ConsentScope, string>

const STATE_LABELS: Record<string, string> = {
  subscribed: 'subscribed',
  opted_out: 'opted out',
  allowed: 'allowed',
  stopped: 'stopped',
}

function whoOf(actor: ConsentEntry['actor']): string {
  if (actor.type === 'user') return actor.name ?? 'a former user'
  if (actor.type === 'api_key') return `API key ${actor.name ?? '(deleted)'}`
  return 'the contact'
}

/** A consent log entry as the console's tables show it, on the workspace's clock. */
export function consentEntryView(entry: ConsentEntry, timeZone: string) {
  const { contact } = entry
  const state = (value: string) => STATE_LABELS[value] ?? value
  return {
    occurredAt: entry.occurredAt,
    time: readableTime(new Date(entry.occurredAt), timeZone),
    contact: contact && {
      href: `/contacts/${contact.id}`,
      name: contact.name ?? 'Unnamed contact',
      phone: contact.phone,
    },
    scope: SCOPE_LABELS[entry.scope],
    method: CONSENT_METHOD_LABELS[entry.method],
    keyword: [entry.keyword, entry.language].filter(Boolean).join(' · '),
    who: whoOf(entry.actor),
    reason: entry.reason,
    change: `${state(entry.previousState)} → ${state(entry.newState)}`,
    superseded: entry.superseded,
  }
}
