import { describe, expect, it } from 'vitest'
import { mayOpen, searchOf, viewOf } from './inbox-rules.js'

const sales = { userId: 'u-sales', role: 'sales' } as const
const manager = { userId: 'u-manager', role: 'manager' } as const

describe('mayOpen', () => {
  it.each([
    [sales, null, true],
    [sales, 'u-sales', true],
    [sales, 'u-other', false],
    [manager, 'u-other', true],
    [manager, null, true],
  ])('%o opening a conversation of %s: %s', (viewer, assignee, expected) => {
    expect(mayOpen(viewer, assignee)).toBe(expected)
  })
})

describe('viewOf', () => {
  it.each([
    [undefined, sales, 'mine'],
    [undefined, manager, 'all'],
    ['unassigned', sales, 'unassigned'],
    ['opted_out', manager, 'opted_out'],
    ['everything', manager, 'all'],
  ])('reads %s for %o as %s', (raw, viewer, expected) => {
    expect(viewOf(raw, viewer)).toBe(expected)
  })
})

describe('searchOf', () => {
  it.each([
    ['+91 98765 43210', { phone: '+919876543210' }],
    ['(555) 0100-123', { phone: '+5550100123' }],
    ['Priya', { name: 'Priya' }],
    ['  ana silva ', { name: 'ana silva' }],
    ['123', { name: '123' }],
    ['', { none: true }],
    [undefined, { none: true }],
  ])('reads %s as %o', (raw, expected) => {
    expect(searchOf(raw)).toEqual(expected)
  })
})
