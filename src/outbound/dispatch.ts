import type { JobDeps } from '../jobs/registry.js'
import { withSystem } from '../db/tenant.js'
import { claimDueSends, expireLeases, nextDueAt, PAIR_SPACING_MS } from './dispatch.repo.js'
import { deliverSend } from './deliver.js'
import { NumberPacer } from './pacing.js'

// Each send in flight holds a database connection while Meta answers (see deliver.ts), so
// fewer than the pool's ten, leaving connections for webhooks and the console.
const MAX_IN_FLIGHT = 6
const IDLE_TICK_MS = 50
// Longer than a call's 30-second timeout plus the wait for a contact's lock.
const LEASE_MS = 120_000
// One run ends after this and the next scheduled run carries on, so shutdown is never held up long.
const RUN_BUDGET_MS = 50_000

// One per process: the throughput of a number is shared by every run of the dispatcher.
const pacer = new NumberPacer()

/** Limits a run to some workspaces' sends (tests and benches sharing one database). */
export interface DispatchScope {
  readonly workspaceIds: readonly string[]
  /** Return once nothing can go now, rather than waiting for paced sends to become due. */
  readonly noWaiting?: boolean
}

/** How many sends of one run ended in each state. */
export type DispatchReport = Record<string, number>

/**
 * Sends what is due, paced per business number and per contact, until nothing more can go in
 * the next few seconds, the run's budget is spent, or the process is shutting down.
 */
export async function dispatchDueSends(
  deps: JobDeps,
  only?: DispatchScope,
): Promise<DispatchReport> {
  const report: DispatchReport = {}
  const inFlight = new Set<Promise<void>>()
  const started = Date.now()
  const expired = await withSystem(deps.db, (tx) => expireLeases(tx, deps.now()))
  if (expired > 0) deps.log.warn({ expired }, 'sends cut off mid-call are marked unknown')
  while (!deps.shutdown.aborted && Date.now() - started < RUN_BUDGET_MS) {
    const room = MAX_IN_FLIGHT - inFlight.size
    const claimed = room > 0 ? await claim(deps, room, only) : []
    for (const send of claimed) {
      const delivery = deliverSend({ ...deps, pacer }, send)
        .then((state) => {
          report[state] = (report[state] ?? 0) + 1
        })
        .catch((error: unknown) => {
          deps.log.error({ err: error, sendId: send.id }, 'a send failed unexpectedly')
        })
        .finally(() => inFlight.delete(delivery))
      inFlight.add(delivery)
    }
    if (claimed.length > 0) continue
    if (inFlight.size === 0 && (only?.noWaiting || !(await dueSoon(deps, only)))) break
    await Promise.race([...inFlight, sleep(IDLE_TICK_MS)])
  }
  await Promise.all(inFlight)
  return report
}

function claim(deps: JobDeps, limit: number, only: DispatchScope | undefined) {
  const now = deps.now()
  return withSystem(deps.db, (tx) =>
    claimDueSends(tx, {
      now,
      leaseUntil: new Date(now.getTime() + LEASE_MS),
      caps: pacer.availableByKey(Date.now()),
      limit,
      workspaceIds: only?.workspaceIds,
    }),
  )
}

// Sends held back only by pacing become due within a pair spacing; later ones (retries) are
// left to the next scheduled run.
async function dueSoon(deps: JobDeps, only: DispatchScope | undefined): Promise<boolean> {
  const next = await withSystem(deps.db, (tx) => nextDueAt(tx, only?.workspaceIds))
  return next !== undefined && next.getTime() <= deps.now().getTime() + PAIR_SPACING_MS
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
