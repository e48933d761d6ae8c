// Seeding and measuring for bench/send.ts: contacts inside the 24-hour window, sends queued
// through the gate one by one, and the gate's pre-call check timed on its own.
import { performance } from 'node:perf_hooks'
import type { Db } from '../../src/db/client.js'
import type { FieldCipher } from '../../src/crypto/field-cipher.js'
import { withTenant } from '../../src/db/tenant.js'
import { insertContact } from '../../src/contacts/contacts.repo.js'
import { queueSend } from '../../src/outbound/queue-send.js'
import { loadLeasedSend, lockSendTarget } from '../../src/outbound/outbound.repo.js'
import { refusalFor } from '../../src/outbound/gate-rules.js'
import { sends } from '../../src/db/schema.js'

/** One business number (a workspace) and its contacts. */
export interface BenchNumber {
  readonly workspaceId: string
  readonly phoneNumberId: string
  readonly contactIds: string[]
}

/** Creates `total` contacts split over the numbers, each having just written (window open). */
export async function seedContacts(
  db: Db,
  cipher: FieldCipher,
  numbers: BenchNumber[],
  total: number,
) {
  for (let i = 0; i < total; i++) {
    const number = numbers[i % numbers.length]
    if (!number) continue
    const phone = `+1555${String(1_000_000 + i)}`
    const id = await withTenant(db, number.workspaceId, (tx) =>
      insertContact(tx, {
        workspaceId: number.workspaceId,
        phoneEnc: cipher.encrypt(phone),
        phoneIndex: cipher.blindIndex(phone),
        lastInboundAt: new Date(),
      }),
    )
    if (id) number.contactIds.push(id)
  }
}

/** Queues `perContact` texts to every contact through the gate; returns each call's milliseconds. */
export async function enqueueAll(
  db: Db,
  cipher: FieldCipher,
  numbers: BenchNumber[],
  perContact: number,
) {
  const latencies: number[] = []
  for (let round = 0; round < perContact; round++) {
    for (const number of numbers) {
      for (const contactId of number.contactIds) {
        const started = performance.now()
        await withTenant(db, number.workspaceId, (tx) =>
          queueSend(
            tx,
            { workspaceId: number.workspaceId, cipher, now: new Date() },
            {
              contactId,
              content: { kind: 'text', text: `Message ${round + 1}` },
              origin: 'broadcast',
            },
          ),
        )
        latencies.push(performance.now() - started)
      }
    }
  }
  return latencies
}

/** Times the queries and rules the dispatcher runs before each call, on `samples` queued sends. */
export async function measurePreCallGate(db: Db, numbers: BenchNumber[], samples: number) {
  const latencies: number[] = []
  for (const number of numbers) {
    const ids = await withTenant(db, number.workspaceId, (tx) =>
      tx
        .select({ id: sends.id })
        .from(sends)
        .limit(samples / numbers.length),
    )
    for (const { id } of ids) {
      const started = performance.now()
      await withTenant(db, number.workspaceId, async (tx) => {
        const send = await loadLeasedSend(tx, id)
        const target = send ? await lockSendTarget(tx, send.contactId) : undefined
        if (send && target) refusalFor(target, send, new Date())
      })
      latencies.push(performance.now() - started)
    }
  }
  return latencies
}
