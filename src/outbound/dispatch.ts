import type { JobDeps } from '../jobs/types.js'
import { withSystem } from '../db/tenant.js'
import {
  claimDueSends,
  expireLeases,
  nextDueAt,
  PAIR_SPACING_MS,
  releaseLeases,
  type ClaimedSend,
} from './dispatch.repo.js'
import { deliverSend } from './deliver.js'
import { NumberPacer, REAL_TIME, type PaceClock } from './pacing.js'

// Each send in flight holds a database connection while Meta answers (see deliver.ts), so
// fewer than the pool's ten, leaving connections for webhooks and the console.
const MAX_IN_FLIGHT = 6
// Sends are leased in batches and wait their turn here; a batch is at most a number's rate, so
// none waits more than about a second for its slot, far inside the lease.
const CLAIM_BATCH = 100
const IDLE_TICK_MS = 50
// Longer than a call's 30-second timeout plus the wait for a slot and a contact's lock.
const LEASE_MS = 120_000
// One run ends after this and the next scheduled run carries on, so shutdown is never held up long.
const RUN_BUDGET_MS = 50_000

// One per clock, so one per process outside tests: the throughput of a number is shared by
// every run of the dispatcher.
const pacers = new WeakMap<PaceClock, NumberPacer>()

function pacerOn(clock: PaceClock): NumberPacer {
  const pacer = pacers.get(clock) ?? new NumberPacer({ clock })
  pacers.set(clock, pacer)
  return pacer
}

/** Limits a run to some workspaces' sends (tests and benches sharing one database). */
export interface DispatchScope {
  readonly workspaceIds: readonly string[]
  /** Return once nothing can go now, rather than waiting for paced sends to become due. */
  readonly noWaiting?: boolean
  /**
   * The run's time, in place of `deps.now` and real waits: a test's clock, which moves on when
   * asked to wait, so pacing is checked without spending its seconds.
   */
  readonly clock?: PaceClock
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
  const clock = only?.clock ?? { now: () => deps.now(), sleep: REAL_TIME.sleep }
  const pacer = pacerOn(only?.clock ?? REAL_TIME)
  const run = new DispatchRun({ ...deps, now: clock.now, pacer }, only, clock)
  const expired = await withSystem(deps.db, (tx) =>
    expireLeases(tx, clock.now(), only?.workspaceIds),
  )
  if (expired.unknown > 0) deps.log.warn(expired, 'sends cut off mid-call are marked unknown')
  else if (expired.requeued > 0) deps.log.info(expired, 'leased sends never called are requeued')
  const started = clock.now().getTime()
  while (!deps.shutdown.aborted && clock.now().getTime() - started < RUN_BUDGET_MS) {
    if (run.waiting.length < MAX_IN_FLIGHT) run.waiting.push(...(await run.claim()))
    run.startWaiting()
    if (run.idle() && !(await run.moreSoon())) break
    await run.nextChange()
  }
  // Leased but not started: back to the queue for the next run.
  await run.release()
  await Promise.all(run.inFlight)
  return run.report
}

class DispatchRun {
  readonly report: DispatchReport = {}
  readonly inFlight = new Set<Promise<void>>()
  readonly waiting: ClaimedSend[] = []

  constructor(
    private readonly deps: JobDeps & { readonly pacer: NumberPacer },
    private readonly only: DispatchScope | undefined,
    private readonly clock: PaceClock,
  ) {}

  claim(): Promise<ClaimedSend[]> {
    const now = this.deps.now()
    return withSystem(this.deps.db, (tx) =>
      claimDueSends(tx, {
        now,
        leaseUntil: new Date(now.getTime() + LEASE_MS),
        caps: this.remainingRates(),
        limit: CLAIM_BATCH,
        workspaceIds: this.only?.workspaceIds,
      }),
    )
  }

  // A number with sends still waiting here gets only what its rate leaves.
  private remainingRates(): Record<string, number> {
    const caps: Record<string, number> = {}
    for (const send of this.waiting) {
      caps[send.workspaceId] = (caps[send.workspaceId] ?? send.rate) - 1
    }
    return caps
  }

  startWaiting(): void {
    while (this.inFlight.size < MAX_IN_FLIGHT && this.waiting.length > 0) {
      const send = this.waiting.shift()
      if (send) this.start(send)
    }
  }

  private start(send: ClaimedSend): void {
    const delivery = deliverSend(this.deps, send)
      .then((state) => {
        this.report[state] = (this.report[state] ?? 0) + 1
      })
      .catch((error: unknown) => {
        this.deps.log.error({ err: error, sendId: send.id }, 'a send failed unexpectedly')
      })
      .finally(() => this.inFlight.delete(delivery))
    this.inFlight.add(delivery)
  }

  idle(): boolean {
    return this.inFlight.size === 0 && this.waiting.length === 0
  }

  // Sends held back only by pacing become due within a pair spacing; later ones (retries) are
  // left to the next scheduled run.
  async moreSoon(): Promise<boolean> {
    if (this.only?.noWaiting) return false
    const next = await withSystem(this.deps.db, (tx) => nextDueAt(tx, this.only?.workspaceIds))
    return next !== undefined && next.getTime() <= this.deps.now().getTime() + PAIR_SPACING_MS
  }

  nextChange(): Promise<unknown> {
    const tick = this.clock.sleep(IDLE_TICK_MS)
    return this.inFlight.size < MAX_IN_FLIGHT && this.waiting.length === 0
      ? Promise.race([...this.inFlight, tick])
      : Promise.race([...this.inFlight])
  }

  async release(): Promise<void> {
    const ids = this.waiting.splice(0).map((send) => send.id)
    if (ids.length > 0) await withSystem(this.deps.db, (tx) => releaseLeases(tx, ids))
  }
}
