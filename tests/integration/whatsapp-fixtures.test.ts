import { describe, expect, it } from 'vitest'
import type { WebhookPayload } from '../../src/whatsapp/cloud-api.js'
import { fixtureNames, loadFixture } from '../helpers/whatsapp-fixtures.js'
import { validatorFor } from '../helpers/openapi-schemas.js'
import { KNOWN_TYPES } from '../../src/messages/inbound-rules.js'

const validatePayload = validatorFor('WebhookPayload')

// Every type Parley handles must have a fixture.
const KNOWN_MESSAGE_TYPES = [...KNOWN_TYPES]
const KNOWN_STATUSES: string[] = ['sent', 'delivered', 'read', 'failed', 'played']

function errorsOf(body: unknown): string {
  return validatePayload(body).join('; ')
}

function valuesOf(payload: WebhookPayload) {
  return payload.entry.flatMap((entry) => entry.changes.map((change) => change.value))
}

const fixtures = fixtureNames().map((name) => ({
  name,
  payload: JSON.parse(loadFixture(name)) as WebhookPayload,
}))

describe('WhatsApp webhook fixtures', () => {
  it('exist', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(34)
  })

  it.each(fixtures)('$name.json is a valid WebhookPayload', ({ payload }) => {
    expect(errorsOf(payload)).toBe('')
  })

  it('cover every known message type and status', () => {
    const values = fixtures.flatMap(({ payload }) => valuesOf(payload))
    const types = new Set(values.flatMap((v) => v.messages ?? []).map((m) => m.type))
    const statuses = new Set<string>(values.flatMap((v) => v.statuses ?? []).map((s) => s.status))
    expect(KNOWN_MESSAGE_TYPES.filter((t) => !types.has(t))).toEqual([])
    expect(KNOWN_STATUSES.filter((s) => !statuses.has(s))).toEqual([])
  })

  it('use a distinct wamid for every inbound message', () => {
    const ids = fixtures.flatMap(({ payload }) =>
      valuesOf(payload).flatMap((v) => (v.messages ?? []).map((m) => m.id)),
    )
    expect(ids.length).toBeGreaterThan(0)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('WebhookPayload schema', () => {
  const text = (): Record<string, unknown> =>
    JSON.parse(loadFixture('text')) as Record<string, unknown>
  const firstMessage = (body: Record<string, unknown>) =>
    (body as unknown as WebhookPayload).entry[0]?.changes[0]?.value.messages?.[0]

  it('rejects a message without an id', () => {
    const body = text()
    const message = firstMessage(body) as Record<string, unknown> | undefined
    delete message?.id
    expect(errorsOf(body)).toMatch(/must have required property 'id'/)
  })

  it('rejects a numeric message timestamp', () => {
    const body = text()
    const message = firstMessage(body) as Record<string, unknown> | undefined
    if (message) message.timestamp = 1776300000
    expect(errorsOf(body)).toMatch(/timestamp must be string/)
  })

  it('keeps fields Meta adds later', () => {
    const body = text()
    const message = firstMessage(body) as Record<string, unknown> | undefined
    if (message) message.some_future_field = { nested: true }
    expect(errorsOf(body)).toBe('')
  })

  it('rejects a status outside the known set', () => {
    const body = JSON.parse(loadFixture('status-read')) as WebhookPayload
    const status = body.entry[0]?.changes[0]?.value.statuses?.[0]
    if (status) (status as { status: string }).status = 'deleted'
    expect(errorsOf(body)).toMatch(/must be equal to one of the allowed values/)
  })
})
