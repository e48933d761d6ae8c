import {
  buttonsMessage,
  listMessage,
  templateMessage,
  textMessage,
  type ButtonsSpec,
  type ListSpec,
  type Recipient,
  type TemplateSpec,
} from '../whatsapp/send-bodies.js'
import type { SendMessageRequest } from '../whatsapp/cloud-api.js'

/** What a sender asks Parley to send; kept encrypted on the send until Meta has it. */
export type SendContent = (
  | { readonly kind: 'text'; readonly text: string; readonly previewUrl?: boolean }
  | {
      readonly kind: 'template'
      readonly template: TemplateSpec
      /** The words the contact receives (the synced template, filled in), for the thread. */
      readonly text?: string
    }
  | { readonly kind: 'buttons'; readonly buttons: ButtonsSpec }
  | { readonly kind: 'list'; readonly list: ListSpec }
) & { readonly replyTo?: string }

/** Meta's request body for this content, addressed to `recipient`. */
export function requestFor(
  recipient: Recipient,
  content: SendContent,
  callbackData: string,
): SendMessageRequest {
  const options = { callbackData, ...(content.replyTo && { replyTo: content.replyTo }) }
  switch (content.kind) {
    case 'text':
      return textMessage(recipient, content.text, {
        ...options,
        ...(content.previewUrl && { previewUrl: true }),
      })
    case 'template':
      return templateMessage(recipient, content.template, options)
    case 'buttons':
      return buttonsMessage(recipient, content.buttons, options)
    case 'list':
      return listMessage(recipient, content.list, options)
  }
}

/** The words of a message as the thread shows them (a template Parley has not synced: its name). */
export function displayText(content: SendContent): string {
  switch (content.kind) {
    case 'text':
      return content.text
    case 'template':
      return content.text ?? `[template ${content.template.name}]`
    case 'buttons':
      return content.buttons.body
    case 'list':
      return content.list.body
  }
}

/** The message type Meta and the thread know this content by. */
export function messageTypeOf(content: SendContent): string {
  return content.kind === 'buttons' || content.kind === 'list' ? 'interactive' : content.kind
}
