import type { SendMessageRequest } from './cloud-api.js'

type Interactive = NonNullable<SendMessageRequest['interactive']>
type ButtonsInteractive = Extract<Interactive, { type: 'button' }>
type ListInteractive = Extract<Interactive, { type: 'list' }>

/** Who a message goes to: a phone number (`to`) or, from July 2026, a BSUID (`recipient`, §11). */
export type Recipient = { readonly phone: string } | { readonly bsuid: string }

/** What any message may carry besides its content. */
export interface SendOptions {
  /** The wamid this message quotes (`context.message_id`). */
  readonly replyTo?: string
  /** Echoed back in this message's status webhooks (`biz_opaque_callback_data`). */
  readonly callbackData?: string
}

/** An approved template by name and language; components are Meta's objects, passed through. */
export interface TemplateSpec {
  readonly name: string
  readonly language: string
  readonly components?: unknown[]
}

/** Up to 3 reply buttons under a body (§4.2). */
export interface ButtonsSpec {
  readonly body: string
  readonly header?: string
  readonly footer?: string
  readonly buttons: readonly { readonly id: string; readonly title: string }[]
}

/** One row of a list message; its id comes back in the user's reply. */
export interface ListRow {
  readonly id: string
  readonly title: string
  readonly description?: string
}

/** A list message: a button that opens up to 10 rows in titled sections (§4.2). */
export interface ListSpec {
  readonly body: string
  readonly button: string
  readonly header?: string
  readonly footer?: string
  readonly sections: readonly { readonly title?: string; readonly rows: readonly ListRow[] }[]
}

// Meta's limit is documented for a related field only (reference §4.1); Parley's own callback
// data stays well under it.
const CALLBACK_DATA_MAX = 512

function checkFilled(what: string, value: string): void {
  if (value === '') throw new RangeError(`${what} is empty`)
}

/** Throws unless `value` has 1..max characters (code points, as the schema's maxLength counts). */
function checkLength(what: string, value: string, max: number): void {
  checkFilled(what, value)
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points are the unit here
  const length = [...value].length
  if (length > max) throw new RangeError(`${what} has ${length} characters; the limit is ${max}`)
}

function checkOptional(what: string, value: string | undefined, max: number): void {
  if (value !== undefined) checkLength(what, value, max)
}

function checkCount(what: string, count: number, max: number): void {
  if (count === 0) throw new RangeError(`${what}: none given`)
  if (count > max) throw new RangeError(`${what}: ${count} given; the limit is ${max}`)
}

// The user's reply names the button or row by id, so two alike could not be told apart.
function checkUnique(what: string, values: readonly string[]): void {
  const repeated = values.find((value, index) => values.indexOf(value) !== index)
  if (repeated !== undefined) throw new RangeError(`${what} "${repeated}" appears twice`)
}

/** The fields every send has: product, recipient, and the optional reply context and callback. */
function envelope(recipient: Recipient, options: SendOptions = {}) {
  const { replyTo, callbackData } = options
  checkOptional('callback data', callbackData, CALLBACK_DATA_MAX)
  const address = 'phone' in recipient ? { to: recipient.phone } : { recipient: recipient.bsuid }
  checkFilled('recipient', 'phone' in recipient ? recipient.phone : recipient.bsuid)
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...address,
    ...(replyTo !== undefined && { context: { message_id: replyTo } }),
    ...(callbackData !== undefined && { biz_opaque_callback_data: callbackData }),
  } as const
}

/** A free-form text message (only inside the 24 h window, §5); `previewUrl` renders a link. */
export function textMessage(
  recipient: Recipient,
  text: string,
  options: SendOptions & { readonly previewUrl?: boolean } = {},
): SendMessageRequest {
  checkLength('text', text, 4096)
  const { previewUrl } = options
  return {
    ...envelope(recipient, options),
    type: 'text',
    text: { body: text, ...(previewUrl !== undefined && { preview_url: previewUrl }) },
  }
}

/** An approved template; the language goes out as `{ code }` (§4.2). */
export function templateMessage(
  recipient: Recipient,
  template: TemplateSpec,
  options?: SendOptions,
): SendMessageRequest {
  checkFilled('template name', template.name)
  checkFilled('template language', template.language)
  // Components are Meta's objects as the template needs them; Meta checks them against it.
  const components = template.components as NonNullable<
    SendMessageRequest['template']
  >['components']
  return {
    ...envelope(recipient, options),
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language },
      ...(components !== undefined && { components }),
    },
  }
}

/** Header and footer texts, as interactive messages carry them (both at most 60 characters). */
function frame(spec: { readonly header?: string; readonly footer?: string }) {
  checkOptional('header', spec.header, 60)
  checkOptional('footer', spec.footer, 60)
  return {
    ...(spec.header !== undefined && { header: { type: 'text', text: spec.header } as const }),
    ...(spec.footer !== undefined && { footer: { text: spec.footer } }),
  }
}

/** Reply buttons: body ≤ 1024, 1–3 buttons with unique ids (≤ 256) and titles (≤ 20). */
export function buttonsMessage(
  recipient: Recipient,
  spec: ButtonsSpec,
  options?: SendOptions,
): SendMessageRequest {
  checkLength('body', spec.body, 1024)
  checkCount('buttons', spec.buttons.length, 3)
  for (const { id, title } of spec.buttons) {
    checkLength('button id', id, 256)
    checkLength('button title', title, 20)
  }
  checkUnique(
    'button id',
    spec.buttons.map((b) => b.id),
  )
  checkUnique(
    'button title',
    spec.buttons.map((b) => b.title),
  )
  const interactive: ButtonsInteractive = {
    type: 'button',
    ...frame(spec),
    body: { text: spec.body },
    action: {
      buttons: spec.buttons.map(({ id, title }) => ({ type: 'reply', reply: { id, title } })),
    },
  }
  return { ...envelope(recipient, options), type: 'interactive', interactive }
}

/** Throws unless the sections and rows fit Meta's list limits (§4.2). */
function checkList(spec: ListSpec): void {
  checkLength('body', spec.body, 4096)
  checkLength('list button', spec.button, 20)
  checkCount('sections', spec.sections.length, 10)
  const rows = spec.sections.flatMap((section) => section.rows)
  checkCount('rows across all sections', rows.length, 10)
  for (const section of spec.sections) {
    checkCount('rows of a section', section.rows.length, 10)
    // The user picks a section by its title once there is more than one.
    if (spec.sections.length > 1 && section.title === undefined) {
      throw new RangeError('every section needs a title when there are several')
    }
    checkOptional('section title', section.title, 24)
  }
  for (const row of rows) {
    checkLength('row id', row.id, 200)
    checkLength('row title', row.title, 24)
    checkOptional('row description', row.description, 72)
  }
  checkUnique(
    'row id',
    rows.map((row) => row.id),
  )
}

/** A list message: ≤ 10 sections and ≤ 10 rows in all, each row with a unique id. */
export function listMessage(
  recipient: Recipient,
  spec: ListSpec,
  options?: SendOptions,
): SendMessageRequest {
  checkList(spec)
  const interactive: ListInteractive = {
    type: 'list',
    ...frame(spec),
    body: { text: spec.body },
    action: {
      button: spec.button,
      sections: spec.sections.map(({ title, rows }) => ({
        ...(title !== undefined && { title }),
        rows: rows.map(({ id, title: rowTitle, description }) => ({
          id,
          title: rowTitle,
          ...(description !== undefined && { description }),
        })),
      })),
    },
  }
  return { ...envelope(recipient, options), type: 'interactive', interactive }
}
