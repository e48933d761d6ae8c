// Realistic signed WhatsApp webhook bodies for benches: inbound text messages in the Cloud API
// shape, each with a wamid never used before, so Parley stores and processes every one.
import { createHash, randomBytes, randomInt } from 'node:crypto'
import { signBody } from '../../src/whatsapp/signature.js'

/** One webhook POST: the exact bytes, their signature header value and the wamids inside. */
export interface SignedEvent {
  readonly body: Buffer
  /** The X-Hub-Signature-256 header value: sha256=<hex HMAC of body>. */
  readonly signature: string
  /** Hex sha256 of the body (webhook_events.body_sha256). */
  readonly sha256: string
  readonly wamids: readonly string[]
}

/** The workspace the payloads are for, and their size and variety. */
export interface PayloadOptions {
  appSecret: string
  phoneNumberId: string
  wabaId?: string
  displayPhoneNumber?: string
  /** Approximate body size in bytes. Default 1024. */
  targetBytes?: number
  /** Distinct customers the messages come from. Default 500. */
  contacts?: number
}

interface Person {
  waId: string
  name: string
}

interface Business {
  wabaId: string
  displayPhoneNumber: string
  phoneNumberId: string
}

const FIRST_NAMES = ['Ana', 'Luis', 'Priya', 'Chen', 'Fatima', 'João', 'Amara', 'Kenji', 'Sofia']
const LAST_NAMES = ['Souza', 'Pérez', 'Sharma', 'Wang', 'Okafor', 'Silva', 'Tanaka', 'Rossi']
const WORDS = (
  'hello hi good morning is the class on saturday still available I would like to know the ' +
  'price for two people can you send me the address please we are arriving around six thanks ' +
  'for the quick reply do you accept card payment or only cash my order number is below and ' +
  'the delivery did not arrive yet could you check with the courier the size was too small ' +
  'can I exchange it for a larger one tomorrow afternoon works for me see you then'
).split(' ')

/** A random number of `length` digits with no leading zero, like Meta's ids. */
export function randomDigits(length: number): string {
  let digits = String(randomInt(1, 10))
  while (digits.length < length) digits += String(randomInt(0, 10))
  return digits
}

function sentence(length: number): string {
  let text = ''
  while (text.length < length) {
    const word = WORDS[randomInt(WORDS.length)] ?? 'ok'
    text += text === '' ? word.charAt(0).toUpperCase() + word.slice(1) : ` ${word}`
  }
  return `${text.slice(0, Math.max(1, length - 1)).trimEnd()}.`
}

function randomPeople(count: number): Person[] {
  return Array.from({ length: count }, () => ({
    waId: `55119${randomDigits(8)}`,
    name: `${FIRST_NAMES[randomInt(FIRST_NAMES.length)] ?? 'Ana'} ${
      LAST_NAMES[randomInt(LAST_NAMES.length)] ?? 'Silva'
    }`,
  }))
}

// A run id, a counter and random bytes: unique within and across runs, as Meta's wamids are.
function wamidSource() {
  const run = randomBytes(4).toString('hex')
  let counter = 0
  return (waId: string) => {
    counter += 1
    const raw = `${waId}:${run}:${counter}:${randomBytes(10).toString('hex')}`
    return `wamid.HBgN${Buffer.from(raw).toString('base64')}`
  }
}

/** Cloud API shape: one entry, one change, one contact and its text messages. */
function webhookBody(business: Business, person: Person, ids: string[], texts: string[]) {
  const value = {
    messaging_product: 'whatsapp',
    metadata: {
      display_phone_number: business.displayPhoneNumber,
      phone_number_id: business.phoneNumberId,
    },
    contacts: [{ profile: { name: person.name }, wa_id: person.waId }],
    messages: ids.map((id, i) => ({
      from: person.waId,
      id,
      timestamp: String(Math.floor(Date.now() / 1000)),
      type: 'text',
      text: { body: texts[i] ?? '' },
    })),
  }
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: business.wabaId, changes: [{ field: 'messages', value }] }],
  }
}

/** Makes inbound-text webhook bodies of about `targetBytes`, signed with the app secret. */
export function createPayloadGenerator(options: PayloadOptions) {
  const targetBytes = options.targetBytes ?? 1024
  const business: Business = {
    wabaId: options.wabaId ?? randomDigits(15),
    displayPhoneNumber: options.displayPhoneNumber ?? `1555${randomDigits(7)}`,
    phoneNumberId: options.phoneNumberId,
  }
  const people = randomPeople(options.contacts ?? 500)
  const wamid = wamidSource()

  /** A new signed event carrying `messageCount` inbound text messages (default 1). */
  const next = (messageCount = 1): SignedEvent => {
    const person = people[randomInt(people.length)] ?? { waId: '5511900000000', name: 'Ana' }
    const ids = Array.from({ length: messageCount }, () => wamid(person.waId))
    const bare = Buffer.byteLength(JSON.stringify(webhookBody(business, person, ids, [])))
    const perText = Math.max(8, Math.floor((targetBytes - bare) / messageCount))
    const texts = ids.map(() => sentence(perText))
    const body = Buffer.from(JSON.stringify(webhookBody(business, person, ids, texts)))
    return {
      body,
      signature: signBody(body, options.appSecret),
      sha256: createHash('sha256').update(body).digest('hex'),
      wamids: ids,
    }
  }
  return { next }
}
