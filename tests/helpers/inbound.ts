import { randomBytes } from 'node:crypto'
import { processDueEvents } from '../../src/webhooks/process.js'
import type { ChangeValue } from '../../src/whatsapp/cloud-api.js'
import type { TestApp } from './app.js'
import { postWebhook } from './webhooks.js'

/** A random contact phone number (digits, as Meta's `wa_id`). */
export function randomPhone(): string {
  return `1555${String(randomBytes(4).readUInt32BE(0)).padStart(10, '0').slice(0, 7)}`
}

/** A wamid no other test uses. */
export function randomWamid(): string {
  return `wamid.test-${randomBytes(10).toString('hex')}`
}

const seconds = (at: Date) => String(Math.floor(at.getTime() / 1000))

/** A signed-webhook body for one change to a business number. */
export function envelope(
  phoneNumberId: string,
  value: Omit<ChangeValue, 'messaging_product' | 'metadata'>,
) {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  })
}

/** What a contact sends (text, or a tap on a template's quick-reply button), and who: phone, BSUID or both. */
export interface Inbound {
  readonly from?: string
  readonly bsuid?: string
  readonly text?: string
  readonly button?: { readonly payload?: string; readonly text?: string }
  readonly wamid?: string
  readonly at?: Date
}

/** One inbound message as Meta delivers it. */
export function inboundMessage(phoneNumberId: string, message: Inbound): string {
  const content = message.button
    ? { type: 'button', button: message.button }
    : { type: 'text', text: { body: message.text ?? '' } }
  const who = {
    ...(message.from !== undefined && { from: message.from }),
    ...(message.bsuid !== undefined && { from_user_id: message.bsuid }),
  }
  const name = `Contact ${(message.from ?? message.bsuid ?? '').slice(-4)}`
  return envelope(phoneNumberId, {
    contacts: [
      {
        ...(message.from !== undefined && { wa_id: message.from }),
        ...(message.bsuid !== undefined && { user_id: message.bsuid }),
        profile: { name },
      },
    ],
    messages: [
      {
        ...who,
        id: message.wamid ?? randomWamid(),
        timestamp: seconds(message.at ?? new Date()),
        ...content,
      },
    ],
  })
}

/** Meta's marketing stop/resume preference webhook. */
export function marketingPreference(
  phoneNumberId: string,
  waId: string,
  value: 'stop' | 'resume',
  at = new Date(),
) {
  return envelope(phoneNumberId, {
    user_preferences: [
      { wa_id: waId, category: 'marketing_messages', value, timestamp: Number(seconds(at)) },
    ],
  })
}

/** A failed status with one Meta error code. */
export function failedStatus(
  phoneNumberId: string,
  waId: string,
  code: number,
  wamid = randomWamid(),
) {
  return envelope(phoneNumberId, {
    statuses: [
      {
        id: wamid,
        status: 'failed',
        timestamp: seconds(new Date()),
        recipient_id: waId,
        errors: [{ code, title: `error ${code}` }],
      },
    ],
  })
}

/** Delivers bodies as signed webhooks (each must get 200) and processes everything due. */
export async function receive(t: TestApp, ...bodies: string[]) {
  for (const body of bodies) {
    const response = await postWebhook(t, body)
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`)
  }
  await processDueEvents(t.jobDeps)
}
