import { describe, expect, it } from 'vitest'
import type { DeliveryState } from '../db/schema.js'
import { nextDeliveryState } from './status-rules.js'

function replay(reports: string[], start: DeliveryState = 'accepted'): DeliveryState {
  return reports.reduce<DeliveryState>((state, r) => nextDeliveryState(state, r) ?? state, start)
}

describe('nextDeliveryState', () => {
  it.each([
    [['sent', 'delivered', 'read'], 'read'],
    [['read', 'delivered', 'sent'], 'read'],
    [['delivered', 'sent'], 'delivered'],
    [['sent', 'read'], 'read'],
    [['sent', 'sent', 'sent'], 'sent'],
    [['sent', 'delivered', 'read', 'played'], 'played'],
    [['played', 'read'], 'played'],
    [['sent', 'failed'], 'failed'],
    [['failed', 'sent', 'delivered', 'read'], 'failed'],
    [['delivered', 'failed'], 'delivered'],
    [['read', 'failed'], 'read'],
    [['deleted', 'warning'], 'accepted'],
  ])('%j ends as %s', (reports, expected) => {
    expect(replay(reports)).toBe(expected)
  })

  it('never moves an inbound message', () => {
    expect(nextDeliveryState('received', 'read')).toBeUndefined()
  })

  it('never moves backwards, whatever the order (every permutation)', () => {
    const reports = ['sent', 'delivered', 'read']
    const permutations = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ].map((order) => order.map((i) => reports[i] ?? ''))
    for (const order of permutations) expect(replay(order)).toBe('read')
  })
})
