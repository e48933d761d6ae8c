import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { deliverFixtures, fixtureFor, postWebhook } from '../helpers/webhooks.js'
import { envelope } from '../helpers/inbound.js'
import { DEFAULT_OPT_OUT_BUTTONS } from '../../src/consent/settings.js'
import { fixtureNames, loadFixture } from '../helpers/whatsapp-fixtures.js'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import {
  contacts,
  messageReactions,
  messageStatuses,
  messages,
  platformErrors,
  preferenceUpdates,
  webhookEvents,
  workspaces,
} from '../../src/db/schema.js'
import { createWorkspace } from '../../src/workspaces/create-workspace.js'
import { processDueEvents } from '../../src/webhooks/process.js'
import { purgeProcessedEvents } from '../../src/webhooks/purge.js'
import type { MessageStatus, WebhookPayload } from '../../src/whatsapp/cloud-api.js'

let t: TestApp
type Workspace = Awaited<ReturnType<typeof seedWorkspace>>

beforeAll(() => {
  t = createTestApp()
})
afterAll(() => t.close())

const newWorkspace = (label: string) => seedWorkspace(t.deps, label)
const rowsOf = <T>(ws: Workspace, query: Parameters<typeof withTenant<T>>[2]) =>
  withTenant(t.deps.db, ws.workspaceId, query)
const allMessages = (ws: Workspace) => rowsOf(ws, (tx) => tx.select().from(messages))
const allContacts = (ws: Workspace) => rowsOf(ws, (tx) => tx.select().from(contacts))

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

function parsed(name: string): WebhookPayload {
  return JSON.parse(loadFixture(name)) as WebhookPayload
}

function countIn(name: string, key: 'messages' | 'statuses') {
  const changes = parsed(name).entry.flatMap((e) => e.changes)
  return changes.reduce((sum, c) => sum + (c.value[key]?.length ?? 0), 0)
}

/** A status envelope for an outbound message, for ordering tests. */
function statusBody(
  phoneNumberId: string,
  wamid: string,
  status: MessageStatus['status'],
  at: number,
) {
  return envelope(phoneNumberId, {
    statuses: [{ id: wamid, status, timestamp: String(at), recipient_id: '16505551234' }],
  })
}

describe('processing every message type', () => {
  const messageFixtures = fixtureNames().filter(
    (name) =>
      countIn(name, 'messages') > 0 && !name.startsWith('unknown-phone') && name !== 'batch-mixed',
  )

  it.each(messageFixtures)('stores %s exactly as typed, once', async (name) => {
    const ws = await newWorkspace(name)
    await deliverFixtures(t, ws.phoneNumberId, name)
    const [message] = parsed(name).entry[0]?.changes[0]?.value.messages ?? []
    if (message?.type === 'reaction') {
      const reactions = await rowsOf(ws, (tx) => tx.select().from(messageReactions))
      expect(reactions).toHaveLength(1)
      expect(reactions[0]?.targetWamid).toBe(message.reaction?.message_id)
      return
    }
    const stored = await allMessages(ws)
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({
      wamid: message?.id,
      direction: 'inbound',
      status: 'received',
    })
    const raw = JSON.parse(t.deps.cipher.decrypt(stored[0]?.contentEnc ?? '')) as unknown
    expect(raw).toEqual(message)
  })

  it('stores a type Parley does not know as unsupported, with its raw JSON', async () => {
    const ws = await newWorkspace('Unknown type')
    await deliverFixtures(t, ws.phoneNumberId, 'unknown-type')
    const [stored] = await allMessages(ws)
    expect(stored).toMatchObject({ type: 'unsupported', unsupportedType: 'poll_vote' })
    expect(t.deps.cipher.decrypt(stored?.contentEnc ?? '')).toContain('poll_vote')
  })

  it('keeps text encrypted, reply context, media ids and the last inbound time', async () => {
    const ws = await newWorkspace('Details')
    await deliverFixtures(t, ws.phoneNumberId, 'text', 'reply-context', 'image')
    const stored = await allMessages(ws)
    const text = stored.find((m) => m.type === 'text' && m.contextWamid === null)
    const body = parsed('text').entry[0]?.changes[0]?.value.messages?.[0]?.text?.body ?? ''
    expect(text?.textEnc).not.toContain(body)
    expect(t.deps.cipher.decrypt(text?.textEnc ?? '')).toBe(body)
    const reply = parsed('reply-context').entry[0]?.changes[0]?.value.messages?.[0]
    expect(stored.find((m) => m.wamid === reply?.id)?.contextWamid).toBe(reply?.context?.id)
    const image = stored.find((m) => m.type === 'image')
    expect(image).toMatchObject({ mediaState: 'pending', mediaMimeType: 'image/jpeg' })
    expect(image?.mediaId).toBeTruthy()
    expect(t.jobs.payloadsOf('whatsapp.download-media')).toContainEqual({
      workspaceId: ws.workspaceId,
      messageId: image?.id,
    })
    const latest = Math.max(...stored.map((m) => m.sentAt.getTime()))
    const people = await allContacts(ws)
    expect(Math.max(...people.map((c) => c.lastInboundAt?.getTime() ?? 0))).toBe(latest)
  })

  it('attaches a reaction to its message and lets the contact take it back', async () => {
    const ws = await newWorkspace('Reactions')
    await deliverFixtures(t, ws.phoneNumberId, 'reaction')
    const [reaction] = await rowsOf(ws, (tx) => tx.select().from(messageReactions))
    expect(t.deps.cipher.decrypt(reaction?.emojiEnc ?? '')).toBeTruthy()
    await deliverFixtures(t, ws.phoneNumberId, 'reaction-removed')
    const after = await rowsOf(ws, (tx) => tx.select().from(messageReactions))
    expect(after).toHaveLength(1)
    expect(after[0]?.emojiEnc).toBeNull()
  })
})

describe('batches, redelivery and order', () => {
  it('processes every entry, change, message and status of a mixed batch', async () => {
    const ws = await newWorkspace('Batch')
    await deliverFixtures(t, ws.phoneNumberId, 'batch-mixed')
    const stored = await allMessages(ws)
    const statuses = await rowsOf(ws, (tx) => tx.select().from(messageStatuses))
    expect(stored.filter((m) => m.direction === 'inbound')).toHaveLength(
      countIn('batch-mixed', 'messages'),
    )
    expect(statuses).toHaveLength(countIn('batch-mixed', 'statuses'))
    expect(await allContacts(ws)).toHaveLength(3)
  })

  it('changes nothing when the same delivery arrives three times, even re-encoded', async () => {
    const ws = await newWorkspace('Redelivery')
    const body = fixtureFor('batch-mixed', ws.phoneNumberId)
    for (let i = 0; i < 3; i++) expect((await postWebhook(t, body)).status).toBe(200)
    // A redelivery whose bytes differ (another app's retry) is caught by the wamid instead.
    expect((await postWebhook(t, JSON.stringify(JSON.parse(body)))).status).toBe(200)
    await processDueEvents(t.jobDeps)
    const stored = await allMessages(ws)
    expect(stored.filter((m) => m.direction === 'inbound')).toHaveLength(
      countIn('batch-mixed', 'messages'),
    )
    const statuses = await rowsOf(ws, (tx) => tx.select().from(messageStatuses))
    expect(statuses).toHaveLength(countIn('batch-mixed', 'statuses'))
  })

  it('never moves a message backwards when statuses arrive out of order', async () => {
    const ws = await newWorkspace('Order')
    const wamid = 'wamid.OUT-ORDER-1'
    for (const [status, at] of [
      ['read', 1776300300],
      ['delivered', 1776300200],
      ['sent', 1776300100],
      ['read', 1776300300],
    ] as const) {
      await postWebhook(t, statusBody(ws.phoneNumberId, wamid, status, at))
    }
    await processDueEvents(t.jobDeps)
    const [message] = await allMessages(ws)
    expect(message).toMatchObject({ wamid, direction: 'outbound', status: 'read' })
    const log = await rowsOf(ws, (tx) => tx.select().from(messageStatuses))
    expect(log.map((s) => s.status).sort()).toEqual(['delivered', 'read', 'sent'])
  })

  it('records a failure with Meta code, title and details', async () => {
    const ws = await newWorkspace('Failed')
    await deliverFixtures(t, ws.phoneNumberId, 'status-sent', 'status-failed')
    const failed = (await allMessages(ws)).find((m) => m.status === 'failed')
    expect(failed?.failure).toMatchObject({ code: 131050 })
    expect(failed?.failure?.title).toBeTruthy()
  })

  it('keeps played after read for a voice note', async () => {
    const ws = await newWorkspace('Voice')
    const wamid = 'wamid.OUT-VOICE-1'
    for (const [status, at] of [
      ['played', 1776300400],
      ['read', 1776300300],
    ] as const) {
      await postWebhook(t, statusBody(ws.phoneNumberId, wamid, status, at))
    }
    await processDueEvents(t.jobDeps)
    expect((await allMessages(ws))[0]?.status).toBe('played')
  })
})

describe('contacts and identity', () => {
  it('links a contact first seen by BSUID only to the phone that arrives later', async () => {
    const ws = await newWorkspace('Bsuid')
    await deliverFixtures(t, ws.phoneNumberId, 'text-bsuid-only')
    const [first] = await allContacts(ws)
    expect(first).toMatchObject({ bsuid: 'US.13491208655302741918', phoneIndex: null })
    expect(first?.username).toBeTruthy()
    await deliverFixtures(t, ws.phoneNumberId, 'text-bsuid-and-phone')
    const people = await allContacts(ws)
    expect(people).toHaveLength(1)
    expect(people[0]?.id).toBe(first?.id)
    expect(t.deps.cipher.decrypt(people[0]?.phoneEnc ?? '')).toBe('+16505551234')
    expect(people[0]?.phoneIndex).toBe(t.deps.cipher.blindIndex('+16505551234'))
    expect(await allMessages(ws)).toHaveLength(2)
  })

  it('merges a phone-only contact into the BSUID contact when one event names both', async () => {
    const ws = await newWorkspace('Merge')
    await deliverFixtures(t, ws.phoneNumberId, 'text-bsuid-only', 'status-delivered')
    expect(await allContacts(ws)).toHaveLength(1)
    const phoneOnly = statusBody(ws.phoneNumberId, 'wamid.OUT-PHONE-ONLY', 'sent', 1776300000)
    await postWebhook(t, phoneOnly.replace('16505551234', '16505550000'))
    await deliverFixtures(t, ws.phoneNumberId, 'text-bsuid-and-phone')
    const people = await allContacts(ws)
    const linked = people.find((c) => c.bsuid === 'US.13491208655302741918')
    expect(people).toHaveLength(2)
    expect(t.deps.cipher.decrypt(linked?.phoneEnc ?? '')).toBe('+16505551234')
    const theirs = (await allMessages(ws)).filter((m) => m.contactId === linked?.id)
    expect(theirs.length).toBe(3)
  })

  it('keeps the first ad referral as first touch and later ones only as touches', async () => {
    const ws = await newWorkspace('Referral')
    await deliverFixtures(t, ws.phoneNumberId, 'text-with-referral')
    const referral =
      parsed('text-with-referral').entry[0]?.changes[0]?.value.messages?.[0]?.referral
    const later = fixtureFor('text-with-referral', ws.phoneNumberId)
      .replace(/"id": "wamid\.[^"]+"/, '"id": "wamid.LATER-REFERRAL"')
      .replace(/"timestamp": "(\d+)"/, (_, ts: string) => `"timestamp": "${Number(ts) + 86400}"`)
      .replace(referral?.source_id ?? '', '999000111')
    expect((await postWebhook(t, later)).status).toBe(200)
    await processDueEvents(t.jobDeps)
    const [contact] = await allContacts(ws)
    expect(contact?.firstTouch).toMatchObject({
      sourceId: referral?.source_id,
      ctwaClid: referral?.ctwa_clid,
      headline: referral?.headline,
      sourceUrl: referral?.source_url,
    })
    const touches = await rowsOf(ws, (tx) => tx.execute(sql`select * from contact_touches`))
    expect(touches.rows).toHaveLength(2)
  })

  it('records marketing stop and resume from user_preferences', async () => {
    const ws = await newWorkspace('Preferences')
    await deliverFixtures(t, ws.phoneNumberId, 'user-preferences-stop', 'user-preferences-resume')
    const updates = await rowsOf(ws, (tx) => tx.select().from(preferenceUpdates))
    expect(updates.map((u) => u.value).sort()).toEqual(['resume', 'stop'])
  })

  it('records account-level errors from value.errors', async () => {
    const ws = await newWorkspace('Errors')
    await deliverFixtures(t, ws.phoneNumberId, 'value-errors')
    const errors = await rowsOf(ws, (tx) => tx.select().from(platformErrors))
    expect(errors[0]?.code).toBe(130429)
  })
})

describe('retries, dead letters and replay', () => {
  it('processes an unknown number later, once a workspace owns it', async () => {
    const phoneNumberId = `8${Date.now()}`.slice(0, 15)
    const body = fixtureFor('unknown-phone-number', '999999999999999').replaceAll(
      '999999999999999',
      phoneNumberId,
    )
    await postWebhook(t, body)
    await processDueEvents(t.jobDeps)
    const [flagged] = await withSystem(t.deps.db, (tx) =>
      tx
        .select()
        .from(webhookEvents)
        .where(sql`${phoneNumberId} = any(${webhookEvents.unknownPhoneNumberIds})`),
    )
    expect(flagged).toMatchObject({ state: 'processed' })
    const workspaceId = await withSystem(t.deps.db, (tx) =>
      createWorkspace(tx, t.deps, { name: 'Late', phoneNumberId }),
    )
    const { replayWebhookEvents } = await import('../../src/webhooks/replay.js')
    await replayWebhookEvents(t.jobDeps, { onlyFailed: false, since: flagged?.receivedAt })
    const stored = await withTenant(t.deps.db, workspaceId, (tx) => tx.select().from(messages))
    expect(stored).toHaveLength(countIn('unknown-phone-number', 'messages'))
  })

  it('parks a body that is not an envelope as failed, without holding back its batch', async () => {
    const ws = await newWorkspace('Batch with a bad event')
    const body = `{"not":"an envelope","n":${Date.now()}}`
    await postWebhook(t, fixtureFor('text', ws.phoneNumberId))
    await postWebhook(t, body)
    await postWebhook(t, fixtureFor('image', ws.phoneNumberId))
    await processDueEvents(t.jobDeps)
    expect(await allMessages(ws)).toHaveLength(2)
    const [row] = await withSystem(t.deps.db, (tx) =>
      tx
        .select()
        .from(webhookEvents)
        .where(eq(webhookEvents.bodySha256, sha256(body))),
    )
    expect(row).toMatchObject({ state: 'failed', attempts: 1 })
    expect(row?.lastError).toMatch(/entry/)
  })

  it('retries a failing event with backoff, then parks it, and replay recovers it', async () => {
    const ws = await newWorkspace('Retry')
    const body = fixtureFor('text', ws.phoneNumberId)
    await postWebhook(t, body)
    // Break the stored ciphertext so every attempt fails the way a transient fault would.
    const [event] = await withSystem(t.deps.db, (tx) =>
      tx
        .update(webhookEvents)
        .set({ bodyEnc: sql`'broken:' || ${webhookEvents.bodyEnc}` })
        .where(sql`${ws.workspaceId}::uuid = any(${webhookEvents.workspaceIds})`)
        .returning(),
    )
    const state = async () => {
      const [row] = await withSystem(t.deps.db, (tx) =>
        tx
          .select()
          .from(webhookEvents)
          .where(eq(webhookEvents.id, event?.id ?? 0)),
      )
      return row
    }
    for (let attempt = 1; attempt <= 5; attempt++) {
      await processDueEvents(t.jobDeps)
      expect(await state()).toMatchObject({ attempts: attempt })
      t.clock.advance(24 * 3600_000)
    }
    expect(await state()).toMatchObject({ state: 'failed', attempts: 5 })
    expect((await state())?.lastError).toBeTruthy()
    await withSystem(t.deps.db, (tx) =>
      tx
        .update(webhookEvents)
        .set({ bodyEnc: sql`substr(${webhookEvents.bodyEnc}, 8)` })
        .where(eq(webhookEvents.id, event?.id ?? 0)),
    )
    const { replayWebhookEvents } = await import('../../src/webhooks/replay.js')
    await replayWebhookEvents(t.jobDeps, { onlyFailed: true })
    expect(await state()).toMatchObject({ state: 'processed' })
    expect(await allMessages(ws)).toHaveLength(1)
  })
})

describe('retention of raw events', () => {
  it('hard-deletes processed events after 30 days and keeps failed ones for replay', async () => {
    const ws = await newWorkspace('Retention')
    await deliverFixtures(t, ws.phoneNumberId, 'text')
    await postWebhook(t, `{"failing":"${ws.tag}"}`)
    await processDueEvents(t.jobDeps)
    const mine = sql`(${ws.workspaceId}::uuid = any(${webhookEvents.workspaceIds}) or ${webhookEvents.bodySha256} = ${sha256(`{"failing":"${ws.tag}"}`)})`
    const states = async () =>
      (await withSystem(t.deps.db, (tx) => tx.select().from(webhookEvents).where(mine)))
        .map((e) => e.state)
        .sort()
    expect(await states()).toEqual(['failed', 'processed'])
    await purgeProcessedEvents(t.deps.db, new Date(Date.now() + 29 * 86400_000))
    expect(await states()).toEqual(['failed', 'processed'])
    await purgeProcessedEvents(t.deps.db, new Date(Date.now() + 31 * 86400_000))
    expect(await states()).toEqual(['failed'])
    expect(await allMessages(ws)).toHaveLength(1)
  })
})

describe('privacy mode (store message content off)', () => {
  it('leaves no message body in any table, while metadata and attribution stay', async () => {
    const ws = await newWorkspace('Private')
    await withSystem(t.deps.db, (tx) =>
      tx
        .update(workspaces)
        .set({ settings: { storeMessageContent: false } })
        .where(eq(workspaces.id, ws.workspaceId)),
    )
    const names = [
      'text',
      'text-with-referral',
      'image',
      'document',
      'location',
      'reaction',
      'contacts',
      'interactive-list-reply',
      'button',
      'order',
    ]
    await deliverFixtures(t, ws.phoneNumberId, ...names)
    // Meta's "Stop promotions" label is an opt-out, not content: it is kept so it is honoured.
    const optOuts = new Set<string>(DEFAULT_OPT_OUT_BUTTONS)
    const secrets = names
      .flatMap((name) => contentStrings(parsed(name)))
      .filter((text) => !optOuts.has(text))
    expect(secrets.length).toBeGreaterThan(10)
    const found = await findInAllTables(ws, secrets)
    expect(found).toEqual([])
    const stored = await allMessages(ws)
    expect(stored.length).toBe(names.length - 1)
    expect(stored.every((m) => m.textEnc === null && m.contentEnc === null)).toBe(true)
    expect(stored.find((m) => m.type === 'image')?.mediaState).toBe('withheld')
    expect(t.jobs.payloadsOf('whatsapp.download-media')).not.toContainEqual(
      expect.objectContaining({ workspaceId: ws.workspaceId }),
    )
    const [withReferral] = await allContacts(ws).then((c) => c.filter((x) => x.firstTouch))
    expect(withReferral?.firstTouch?.ctwaClid).toBeTruthy()
  })
})

/** Every piece of content a contact wrote in a payload (bodies, captions, names, titles…). */
function contentStrings(payload: WebhookPayload): string[] {
  const found: string[] = []
  const walk = (value: unknown, key: string) => {
    if (typeof value === 'string' && CONTENT_KEYS.has(key) && value.length >= 4) found.push(value)
    if (typeof value === 'number' && key === 'latitude') found.push(String(value))
    // The ad's own text in `referral` is attribution, which privacy mode keeps by design.
    if (typeof value === 'object' && value !== null && key !== 'referral') {
      for (const [k, v] of Object.entries(value)) walk(v, k)
    }
  }
  for (const entry of payload.entry) {
    for (const change of entry.changes) for (const m of change.value.messages ?? []) walk(m, '')
  }
  return found
}
const CONTENT_KEYS = new Set([
  'body',
  'caption',
  'filename',
  'title',
  'description',
  'emoji',
  'formatted_name',
  'address',
  'name',
  'text',
  'response_json',
  'phone',
]).add('first_name')

/** Every (table.column) whose value, decrypted where it is ciphertext, contains a secret. */
async function findInAllTables(ws: Workspace, secrets: string[]) {
  const tables = await withSystem(t.deps.db, (tx) =>
    tx.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    ),
  )
  const found: string[] = []
  for (const { table_name } of tables.rows) {
    const rows = await withSystem(t.deps.db, (tx) =>
      tx.execute(sql`select * from ${sql.identifier(table_name)}`),
    )
    for (const row of rows.rows) {
      if (!JSON.stringify(row).includes(ws.workspaceId)) continue
      for (const [column, value] of Object.entries(row)) {
        const text = readable(value)
        const hit = secrets.find((s) => text.includes(s))
        if (hit) found.push(`${table_name}.${column}: ${hit}`)
      }
    }
  }
  return found
}

function readable(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null)
  try {
    return t.deps.cipher.decrypt(text)
  } catch {
    return text
  }
}
