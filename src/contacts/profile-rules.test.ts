import { describe, expect, it } from 'vitest'
import {
  displayNameOf,
  labelLimitProblem,
  readContactName,
  readLabel,
  readNoteBody,
} from './profile-rules.js'

describe('readContactName', () => {
  it.each([
    ['  Maya Chen ', 'Maya Chen'],
    ['', null],
    ['   ', null],
    [undefined, null],
    ['x'.repeat(100), 'x'.repeat(100)],
  ])('reads %j as %j', (raw, name) => {
    expect(readContactName(raw)).toEqual({ ok: true, value: name })
  })

  it('refuses a name over 100 characters', () => {
    expect(readContactName('x'.repeat(101))).toEqual({
      ok: false,
      problem: 'The name is too long: at most 100 characters.',
    })
  })
})

describe('readNoteBody', () => {
  it.each([
    [' Prefers calls after 5 pm\n', 'Prefers calls after 5 pm'],
    ['x'.repeat(2000), 'x'.repeat(2000)],
  ])('keeps %j trimmed', (raw, body) => {
    expect(readNoteBody(raw)).toEqual({ ok: true, value: body })
  })

  it.each([
    ['', 'Write something before adding the note.'],
    [' \n ', 'Write something before adding the note.'],
    [undefined, 'Write something before adding the note.'],
    ['x'.repeat(2001), 'The note is too long: at most 2000 characters.'],
  ])('refuses %j', (raw, problem) => {
    expect(readNoteBody(raw)).toEqual({ ok: false, problem })
  })
})

describe('readLabel', () => {
  it.each([
    [' VIP ', 'vip'],
    ['Hot  Lead', 'hot lead'],
    ['follow-up_2', 'follow-up_2'],
    ['Cliente Nuevo', 'cliente nuevo'],
    ['Cafe\u0301', 'café'],
    ['x'.repeat(40), 'x'.repeat(40)],
  ])('folds %j to %j', (raw, label) => {
    expect(readLabel(raw)).toEqual({ ok: true, value: label })
  })

  it.each([
    ['', 'Type a label first.'],
    ['   ', 'Type a label first.'],
    ['x'.repeat(41), 'The label is too long: at most 40 characters.'],
    ['vip!', 'A label may hold only letters, digits, spaces, - and _.'],
    ['<b>', 'A label may hold only letters, digits, spaces, - and _.'],
    ['a,b', 'A label may hold only letters, digits, spaces, - and _.'],
  ])('refuses %j', (raw, problem) => {
    expect(readLabel(raw)).toEqual({ ok: false, problem })
  })
})

describe('labelLimitProblem', () => {
  const labels = (n: number) => Array.from({ length: n }, (_, i) => `label ${i}`)

  it.each([
    ['a new label on 19', labels(19), 'new', undefined],
    ['a label the contact has, on 20', labels(20), 'label 3', undefined],
    [
      'a new label on 20',
      labels(20),
      'new',
      'A contact can have at most 20 labels: remove one first.',
    ],
  ])('answers %s', (_case, existing, label, problem) => {
    expect(labelLimitProblem(existing, label)).toBe(problem)
  })
})

describe('displayNameOf', () => {
  it.each([
    [{ customName: 'Maya (VIP)', profileName: 'Maya', username: 'maya' }, 'Maya (VIP)'],
    [{ customName: null, profileName: 'Maya', username: 'maya' }, 'Maya'],
    [{ customName: null, profileName: '', username: 'maya' }, 'maya'],
    [{ customName: null, profileName: null, username: null }, 'Unnamed contact'],
  ])('names %j %j', (names, shown) => {
    expect(displayNameOf(names)).toBe(shown)
  })
})
