import { describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import { seedWorkspace } from '../helpers/workspace.js'
import { envelope, randomWamid, receive } from '../helpers/inbound.js'
import {
  contactWhoWrote,
  dispatchFor,
  queueThroughGate,
  sendRow,
  setWorkspaceSettings,
  useSendingSuite,
} from '../helpers/sending.js'
import { waitFor } from '../helpers/wait-for.js'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { claimDueSends, expireLeases, markCallStarted } from '../../src/outbound/dispatch.repo.js'
import { deliverSend } from '../../src/outbound/deliver.js'
import { NumberPacer } from '../../src/outbound/pacing.js'

const suite = useSendingSuite('Leases')

type Workspace = Awaited<ReturnType<typeof seedWorkspace>>

// Far past any lease: the worker that held them is gone (kill -9) and they ran out.
const LEASES_RUN_OUT_MS = 10 * 60_000

/** Leases the workspace's due sends as a dispatcher does before it starts any of them. */
function lease(ws: Workspace) {
  const now = suite.t.clock.now()
  return withSystem(suite.t.deps.db, (tx) =>
    claimDueSends(tx, {
      now,
      leaseUntil: new Date(now.getTime() + 120_000),
      caps: {},
      limit: 100,
      workspaceIds: [ws.workspaceId],
    }),
  )
}

async function queuedTo(ws: Workspace, count: number) {
  const contacts = []
  for (let i = 0; i < count; i++) contacts.push(await contactWhoWrote(suite.t, ws))
  const ids = []
  for (const contact of contacts) {
    const content = { kind: 'text', text: 'Your order shipped' } as const
    ids.push(await queueThroughGate(suite.t, ws, { contactId: contact.id, content }))
  }
  return { contacts, ids }
}

const callsTo = (phones: readonly string[]) => phones.map((p) => suite.meta.sendsTo(`+${p}`).length)

describe('a crash with sends leased', () => {
  it('returns the sends never called to the queue, and each then goes exactly once', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Leased')
    const { contacts, ids } = await queuedTo(ws, 4)
    expect(await lease(ws)).toHaveLength(4)
    suite.t.clock.advance(LEASES_RUN_OUT_MS)
    await dispatchFor(suite.jobDeps, ws.workspaceId)
    const phones = contacts.map((c) => c.phone)
    expect(callsTo(phones)).toEqual([1, 1, 1, 1])
    const rows = await Promise.all(ids.map((id) => sendRow(suite.t, ws.workspaceId, id)))
    // The lease that was cut off before any call is not counted as an attempt.
    expect(rows.map((r) => [r.state, r.attempts])).toEqual(Array(4).fill(['sent', 1]))
    suite.t.clock.advance(LEASES_RUN_OUT_MS)
    await dispatchFor(suite.jobDeps, ws.workspaceId)
    expect(callsTo(phones)).toEqual([1, 1, 1, 1])
  })

  it('makes a send whose call had started unknown, never resent; a later status settles it', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Cut off')
    const { contacts, ids } = await queuedTo(ws, 1)
    const [claimed] = await lease(ws)
    if (!claimed) throw new Error('nothing leased')
    const marked = await withTenant(suite.t.deps.db, ws.workspaceId, (tx) =>
      markCallStarted(tx, claimed, suite.t.clock.now()),
    )
    expect(marked).toBe(true)
    suite.t.clock.advance(LEASES_RUN_OUT_MS)
    await dispatchFor(suite.jobDeps, ws.workspaceId)
    const id = ids[0] ?? ''
    const phone = contacts[0]?.phone ?? ''
    expect(await sendRow(suite.t, ws.workspaceId, id)).toMatchObject({
      state: 'unknown',
      callStartedAt: null,
    })
    expect(callsTo([phone])).toEqual([0])
    const wamid = randomWamid()
    const status = { id: wamid, status: 'delivered' as const, recipient_id: phone }
    const at = String(Math.floor(Date.now() / 1000))
    await receive(
      suite.t,
      envelope(ws.phoneNumberId, {
        statuses: [{ ...status, timestamp: at, biz_opaque_callback_data: id }],
      }),
    )
    const settled = await sendRow(suite.t, ws.workspaceId, id)
    expect(settled).toMatchObject({ state: 'sent', wamid })
    expect(settled.messageId).not.toBeNull()
  })

  it('keeps the words of a send cut off mid-call only where the workspace stores content', async () => {
    const open = await seedWorkspace(suite.t.deps, 'Cut off, open')
    const closed = await seedWorkspace(suite.t.deps, 'Cut off, private')
    await setWorkspaceSettings(suite.t, closed.workspaceId, { storeMessageContent: false })
    const sends = []
    for (const ws of [open, closed]) {
      const { ids } = await queuedTo(ws, 1)
      const [claimed] = await lease(ws)
      if (!claimed) throw new Error('nothing leased')
      await withTenant(suite.t.deps.db, ws.workspaceId, (tx) =>
        markCallStarted(tx, claimed, suite.t.clock.now()),
      )
      sends.push({ ws, id: ids[0] ?? '' })
    }
    suite.t.clock.advance(LEASES_RUN_OUT_MS)
    for (const { ws } of sends) await dispatchFor(suite.jobDeps, ws.workspaceId)
    const [kept, forgotten] = await Promise.all(
      sends.map(({ ws, id }) => sendRow(suite.t, ws.workspaceId, id)),
    )
    expect(kept).toMatchObject({ state: 'unknown' })
    expect(kept?.contentEnc).not.toBeNull()
    expect(forgotten).toMatchObject({ state: 'unknown', contentEnc: null })
  })
})

describe('the call-started mark', () => {
  it('is committed before Meta gets the call, and cleared with the outcome', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Marked')
    const { contacts, ids } = await queuedTo(ws, 1)
    const id = ids[0] ?? ''
    const phone = contacts[0]?.phone ?? ''
    suite.meta.sendDelayMs = 500
    try {
      const dispatching = dispatchFor(suite.jobDeps, ws.workspaceId)
      expect(await waitFor(() => Promise.resolve(callsTo([phone])[0] === 1), 10_000)).toBe(true)
      // Read on another connection while Meta holds the answer back.
      const during = await sendRow(suite.t, ws.workspaceId, id)
      expect(during.state).toBe('sending')
      expect(during.callStartedAt).toBeInstanceOf(Date)
      await dispatching
    } finally {
      suite.meta.sendDelayMs = 0
    }
    expect(await sendRow(suite.t, ws.workspaceId, id)).toMatchObject({
      state: 'sent',
      callStartedAt: null,
    })
  })

  it('is refused to a worker whose lease ran out and went to another: it calls nobody', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Taken over')
    const { contacts } = await queuedTo(ws, 1)
    const phone = contacts[0]?.phone ?? ''
    const [stale] = await lease(ws)
    suite.t.clock.advance(LEASES_RUN_OUT_MS)
    await withSystem(suite.t.deps.db, (tx) =>
      expireLeases(tx, suite.t.clock.now(), [ws.workspaceId]),
    )
    const [fresh] = await lease(ws)
    if (!stale || !fresh) throw new Error('nothing leased')
    const deps = { ...suite.jobDeps, pacer: new NumberPacer() }
    expect(await deliverSend(deps, stale)).toBe('lease_lost')
    expect(callsTo([phone])).toEqual([0])
    expect(await deliverSend(deps, fresh)).toBe('sent')
    expect(callsTo([phone])).toEqual([1])
  })
})

describe('a mark that cannot be written', () => {
  it('sends nothing and puts the send back in the queue at once, not after its lease', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Unmarked')
    const { contacts, ids } = await queuedTo(ws, 1)
    const [claimed] = await lease(ws)
    if (!claimed) throw new Error('nothing leased')
    // Another session holds the send's row: the mark waits for its lock until it times out.
    const blocker = await suite.t.database.pool.connect()
    try {
      await blocker.query('begin')
      await blocker.query('select 1 from sends where id = $1 for update', [claimed.id])
      const deps = { ...suite.jobDeps, pacer: new NumberPacer() }
      const delivering = deliverSend(deps, claimed)
      await sleep(6_000)
      await blocker.query('commit')
      expect(await delivering).toBe('queued')
    } finally {
      blocker.release()
    }
    expect(callsTo([contacts[0]?.phone ?? ''])).toEqual([0])
    expect(await sendRow(suite.t, ws.workspaceId, ids[0] ?? '')).toMatchObject({
      state: 'queued',
      attempts: 0,
      callStartedAt: null,
    })
  })
})
