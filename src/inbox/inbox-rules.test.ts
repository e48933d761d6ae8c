import { describe, expect, it } from 'vitest'
import {
  emptyInboxOf,
  inboxTitle,
  mayOpen,
  searchOf,
  unreadNews,
  viewLabelsFor,
  viewOf,
} from './inbox-rules.js'

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
    [undefined, 'all'],
    ['unassigned', 'unassigned'],
    ['opted_out', 'opted_out'],
    ['everything', 'all'],
  ])('reads %s as %s', (raw, expected) => {
    expect(viewOf(raw)).toBe(expected)
  })
})

describe('viewLabelsFor', () => {
  it("names a sales user's default view for what it holds", () => {
    expect(viewLabelsFor(sales).all).toBe('Mine + unassigned')
    expect(viewLabelsFor(manager).all).toBe('All')
  })
})

describe('emptyInboxOf', () => {
  const counts = (mine: number, unassigned: number, all: number) => ({
    mine,
    unassigned,
    all,
    opted_out: 0,
  })
  it.each([
    ['mine', counts(0, 0, 0), /^No conversations here yet: they appear when someone writes/, null],
    [
      'mine',
      counts(0, 3, 3),
      /^Nothing is assigned to you\. 3 conversations waiting/,
      'unassigned',
    ],
    ['mine', counts(0, 1, 1), /1 conversation waiting for someone to take them/, 'unassigned'],
    [
      'unassigned',
      counts(2, 0, 2),
      /^Every conversation is assigned\. 2 conversations in the inbox/,
      'all',
    ],
    ['opted_out', counts(2, 0, 2), /^No opted-out contacts\. 2 conversations/, 'all'],
  ] as const)('an empty %s view with %o says %s', (view, given, text, link) => {
    const empty = emptyInboxOf(view, given)
    expect(empty.text).toMatch(text)
    expect(empty.text).not.toMatch(link ? /someone writes/ : /waiting/)
    expect(empty.link?.view ?? null).toBe(link)
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

describe('the unread count in the title and the live region', () => {
  it('puts the unread conversations before the title, and nothing when there are none', () => {
    expect(inboxTitle(0)).toBe('Inbox')
    expect(inboxTitle(3)).toBe('(3) Inbox')
  })

  it('says how many are unread and which is newest, or nothing', () => {
    expect(unreadNews(0, { name: 'Ana', preview: 'hi' })).toBe('')
    expect(unreadNews(1)).toBe('1 conversation with unread messages.')
    expect(unreadNews(2, { name: 'Ana', preview: 'hi' })).toBe(
      '2 conversations with unread messages. Newest: Ana: hi',
    )
  })
})
