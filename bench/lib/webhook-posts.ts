// Signed webhook POSTs as Meta makes them, and their outcomes tallied, for the fault benches.
import type { SignedEvent } from './payloads.js'

/** What one POST came to: an HTTP status, or the connection error's code. */
export type Outcome = { status: number } | { error: string }

/** POSTs one signed event (10 s timeout); never throws. */
export async function post(url: string, event: SignedEvent): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': event.signature },
      body: event.body,
      signal: AbortSignal.timeout(10_000),
    })
    await response.arrayBuffer()
    return { status: response.status }
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause
    return { error: cause?.code ?? (error as Error).name }
  }
}

/** True when Parley acknowledged the event (200: stored). */
export const isAck = (outcome: Outcome) => 'status' in outcome && outcome.status === 200

/** Tallies outcomes by status code or error code. */
export function tally() {
  const counts = new Map<string, number>()
  return {
    add(outcome: Outcome) {
      const key = 'status' in outcome ? String(outcome.status) : outcome.error
      counts.set(key, (counts.get(key) ?? 0) + 1)
    },
    toString() {
      return (
        [...counts.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, n]) => `${key}×${n}`)
          .join(', ') || 'none'
      )
    },
  }
}
