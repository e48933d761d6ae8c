import { describe, expect, it } from 'vitest'
import { passwordProblem } from './password-rules.js'

const COMMON = 'Password is too common: choose another'

describe('passwordProblem', () => {
  it.each([
    { password: 'long enough', problem: undefined, why: 'ten or more characters' },
    { password: 'spaced out pass phrase', problem: undefined, why: 'a phrase with spaces' },
    { password: 'ééééééééé', problem: 'Password must be at least 10 characters', why: 'nine' },
    { password: '', problem: 'Password must be at least 10 characters', why: 'empty' },
    { password: ' '.repeat(12), problem: 'Password must not be only spaces', why: 'only spaces' },
    { password: '\t\n'.repeat(6), problem: 'Password must not be only spaces', why: 'whitespace' },
    { password: 'x'.repeat(1024), problem: undefined, why: 'exactly 1 KB' },
    {
      password: 'x'.repeat(1025),
      problem: 'Password must be at most 1024 bytes',
      why: 'over 1 KB',
    },
    {
      password: 'é'.repeat(513),
      problem: 'Password must be at most 1024 bytes',
      why: '1026 UTF-8 bytes',
    },
    { password: 'password123', problem: COMMON, why: 'a common password' },
    { password: 'QwertyUiop', problem: COMMON, why: 'a common one in other case' },
    { password: '1234567890', problem: COMMON, why: 'ten digits in a row' },
  ])('$why → $problem', ({ password, problem }) => {
    expect(passwordProblem(password)).toBe(problem)
  })

  it.each([
    { password: 'maria.lopez@example.test', why: 'the email itself' },
    { password: 'Maria.Lopez@Example.test', why: 'the email in other case' },
    { password: 'maria.lopez', why: 'the part before the @' },
  ])('refuses $why as the password', ({ password }) => {
    expect(passwordProblem(password, 'maria.lopez@example.test')).toBe(
      'Password must not be your email address',
    )
  })

  it('accepts a password that merely contains the name', () => {
    expect(passwordProblem('maria.lopez rides bikes', 'maria.lopez@example.test')).toBe(undefined)
  })
})
