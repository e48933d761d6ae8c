import type { Tx } from '../db/tenant.js'
import type { Acting } from '../actor.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { AppError } from '../errors.js'
import { queueAs } from '../outbound/queue-as.js'
import type { SendContent } from '../outbound/content.js'
import { findApprovedTemplate } from '../templates/list-templates.js'
import { templateSendOf } from '../templates/rules.js'
import { skipWords } from './delivery-words.js'

const MAX_TEXT = 4096
const SEND_KEY = /^[0-9a-f-]{36}$/

function textContent(raw: string): SendContent {
  const text = raw.trim()
  if (text === '') throw new AppError('validation_failed', 'Write a message first.')
  if (text.length > MAX_TEXT) {
    throw new AppError('validation_failed', `A message holds at most ${MAX_TEXT} characters.`)
  }
  return { kind: 'text', text }
}

async function templateContent(
  tx: Tx,
  id: string,
  fields: Record<string, string>,
): Promise<SendContent> {
  const template = await findApprovedTemplate(tx, id)
  if (!template) throw new AppError('validation_failed', 'Choose one of the approved templates.')
  const send = templateSendOf(template, fields)
  if (!send.ok) throw new AppError('validation_failed', send.problems.join(' '))
  return { kind: 'template', template: send.template }
}

/**
 * Queues the composer's message through the send gate: the typed text, or the chosen template
 * with its parameters. A refusal by the gate is a validation problem the composer shows.
 * Returns true when a new send was queued (the dispatcher is then woken).
 */
export async function sendReply(
  tx: Tx,
  acting: Acting & { readonly cipher: FieldCipher },
  reply: { contactId: string; fields: Record<string, string> },
): Promise<boolean> {
  const { fields } = reply
  const content = fields.template
    ? await templateContent(tx, fields.template, fields)
    : textContent(fields.text ?? '')
  const key = fields.key && SEND_KEY.test(fields.key) ? `console:${fields.key}` : undefined
  const request = {
    contactId: reply.contactId,
    content,
    origin: 'console',
    idempotencyKey: key,
  } as const
  const result = await queueAs(tx, acting, request)
  if ('refused' in result) throw new AppError('validation_failed', skipWords(result.refused))
  return result.created
}
