import type { Db } from '../db/client.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import type { Logger } from 'pino'
import type { GraphTarget } from '../whatsapp/graph-errors.js'
import type { Recipient } from '../whatsapp/send-bodies.js'
import { withTenant, type Tx } from '../db/tenant.js'
import { sideConnection } from '../db/client.js'
import { sendMessage, type SentMessage } from '../whatsapp/graph-client.js'
import { refusalFor } from './gate-rules.js'
import { requestFor, type SendContent } from './content.js'
import { isSendingPaused, loadLeasedSend, recordOutcome } from './outbound.repo.js'
import { loadGateTarget, type GateTarget } from './gate-target.js'
import { recordCallResult, type CallResult } from './record-result.js'
import { markCallStarted, releaseLeases, type ClaimedSend } from './dispatch.repo.js'
import { noteActivity } from '../conversations/activity.js'
import { loadWhatsAppCredentials, type WhatsAppCredentials } from '../credentials/whatsapp.js'
import type { NumberPacer } from './pacing.js'

/** What delivering a send needs. */
export interface DeliverDeps {
  readonly db: Db
  readonly cipher: FieldCipher
  readonly log: Logger
  readonly graph: GraphTarget
  readonly now: () => Date
  readonly pacer: NumberPacer
}

type LeasedSend = NonNullable<Awaited<ReturnType<typeof loadLeasedSend>>>

/**
 * Delivers one leased send: the gate decides again with the contact locked, and the call to
 * Meta happens under that lock, so a STOP being applied waits until the call is over and every
 * send checked after it sees the STOP. The outcome is written in a second transaction. Returns
 * the send's new state, or `lease_lost` when this worker's lease was no longer its own.
 */
export async function deliverSend(deps: DeliverDeps, claimed: ClaimedSend): Promise<string> {
  const call = await withTenant(deps.db, claimed.workspaceId, (tx) =>
    callUnderGate(deps, tx, claimed),
  )
  if (call.kind === 'done') return call.state
  return withTenant(deps.db, claimed.workspaceId, (tx) =>
    recordCallResult(tx, { ...deps, workspaceId: claimed.workspaceId }, call),
  )
}

type GateOutcome = { kind: 'done'; state: string } | CallResult

async function callUnderGate(
  deps: DeliverDeps,
  tx: Tx,
  claimed: ClaimedSend,
): Promise<GateOutcome> {
  const send = await loadLeasedSend(tx, claimed.id)
  if (send?.state !== 'sending' || send.claimedAt?.getTime() !== claimed.claimedAt.getTime()) {
    return { kind: 'done', state: LEASE_LOST }
  }
  const target = await loadGateTarget(
    tx,
    { ...deps, workspaceId: send.workspaceId },
    send.contactId,
  )
  const whatsapp = await loadWhatsAppCredentials(tx, deps.cipher, send.workspaceId)
  const now = deps.now()
  const refusal = target ? refusalFor(target, send, now) : 'contact_opted_out'
  const problem = refusal ? undefined : unsendable(send, whatsapp, target)
  if (refusal || problem) {
    const outcome = refusal
      ? ({ state: 'skipped', reason: refusal } as const)
      : ({ state: 'failed', error: { code: 0, title: problem ?? '' } } as const)
    const keepContent = send.settings.storeMessageContent
    await recordOutcome(tx, send.id, outcome, { now, called: false, keepContent })
    await noteActivity(tx, { workspaceId: send.workspaceId, contactId: send.contactId })
    return { kind: 'done', state: outcome.state }
  }
  // The number's slot is taken right before the call, so Meta sees the rate we keep. The wait
  // is short (a batch never exceeds the rate) but holds the contact's lock; that is the price
  // of counting arrivals rather than departures.
  await deps.pacer.acquire(send.workspaceId, claimed.rate)
  if (await isSendingPaused(tx, send.workspaceId)) {
    // Paused (by another send's answer) while this one waited: back to the queue, untried.
    await releaseLeases(tx, [send.id])
    return { kind: 'done', state: 'queued' }
  }
  return markAndCall(deps, tx, { send, claimed, target: target as GateTarget, whatsapp })
}

// The lease ran out while this worker waited (a lock, a slot) and the send went back to the
// queue: another worker owns it now.
const LEASE_LOST = 'lease_lost'

type ReadyCall = { send: LeasedSend; target: GateTarget; whatsapp: WhatsAppCredentials | undefined }

/**
 * Marks the call as started, committed on its own connection (this transaction commits only
 * after the call), then calls: after a crash, a send without the mark was never called and
 * may go again.
 */
async function markAndCall(
  deps: DeliverDeps,
  tx: Tx,
  ready: ReadyCall & { claimed: ClaimedSend },
): Promise<GateOutcome> {
  const { send, claimed } = ready
  const marked = await withTenant(sideConnection(deps.db), send.workspaceId, (side) =>
    markCallStarted(side, claimed, deps.now()),
  ).catch((error: unknown) => {
    deps.log.warn({ err: error, sendId: send.id }, 'the call could not be marked: not made')
    return undefined
  })
  if (marked === undefined) {
    // Not called (a dropped connection): back to the queue now, not when the lease runs out.
    await releaseLeases(tx, [send.id])
    return { kind: 'done', state: 'queued' }
  }
  if (!marked) return { kind: 'done', state: LEASE_LOST }
  return callMeta(deps, ready)
}

function unsendable(
  send: LeasedSend,
  whatsapp: WhatsAppCredentials | undefined,
  target: GateTarget | undefined,
): string | undefined {
  if (!whatsapp?.phoneNumberId || !whatsapp.accessToken)
    return 'the workspace has no WhatsApp number connected'
  if (!send.contentEnc) return 'the send has no content'
  if (!target?.phoneEnc && !target?.bsuid) return 'the contact has no phone number or BSUID'
  return undefined
}

async function callMeta(deps: DeliverDeps, call: ReadyCall): Promise<CallResult> {
  const { cipher } = deps
  const { send, target } = call
  const content = JSON.parse(cipher.decrypt(send.contentEnc ?? '')) as SendContent
  const recipient: Recipient = target.phoneEnc
    ? { phone: cipher.decrypt(target.phoneEnc) }
    : { bsuid: target.bsuid ?? '' }
  const sender = {
    ...deps.graph,
    phoneNumberId: call.whatsapp?.phoneNumberId ?? '',
    accessToken: call.whatsapp?.accessToken ?? '',
  }
  let sent: SentMessage | undefined
  let error: unknown
  try {
    sent = await sendMessage(sender, requestFor(recipient, content, send.id))
  } catch (caught) {
    error = caught
  }
  return { kind: 'called', send, content, sent, error, settings: send.settings }
}
