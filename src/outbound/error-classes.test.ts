import { describe, expect, it } from 'vitest'
import { actionForError, MAX_SEND_ATTEMPTS } from './error-classes.js'

describe('actionForError', () => {
  it.each([130429, 131056, 131000, 131016, 4, 80007, 1, 2, 131057])('retries %i', (code) => {
    expect(actionForError({ code, status: 400 }, 1).action).toBe('retry')
  })

  it.each([131026, 131047, 131050, 100, 131008, 131009, 132001, 131051])(
    'does not retry %i',
    (code) => {
      expect(actionForError({ code, status: 400 }, 1)).toEqual({ action: 'fail' })
    },
  )

  it.each([190, 368])('pauses the workspace on %i, at any attempt', (code) => {
    expect(actionForError({ code, status: 401 }, 1)).toEqual({ action: 'pause_workspace' })
    expect(actionForError({ code }, MAX_SEND_ATTEMPTS)).toEqual({ action: 'pause_workspace' })
  })

  it('waits at least 24 hours after 131049', () => {
    const action = actionForError({ code: 131049 }, 1)
    expect(action.action === 'retry' && action.delayMs).toBeGreaterThanOrEqual(24 * 3600_000)
  })

  it('backs off the pair limit by 4^X seconds, never under 6 s', () => {
    const delays = [1, 2, 3, 4].map((n) => actionForError({ code: 131056 }, n))
    expect(delays).toEqual(
      [6000, 6000, 16_000, 64_000].map((delayMs) => ({ action: 'retry', delayMs })),
    )
  })

  it('grows the backoff of try-later errors and caps it', () => {
    const delay = (n: number) => {
      const action = actionForError({ code: 130429 }, n)
      return action.action === 'retry' ? action.delayMs : -1
    }
    expect(delay(1)).toBe(5000)
    expect(delay(2)).toBe(20_000)
    expect(delay(5)).toBe(15 * 60_000)
  })

  it('uses the HTTP status only when Meta gave no code', () => {
    expect(actionForError({ status: 503 }, 1).action).toBe('retry')
    expect(actionForError({ status: 429 }, 1).action).toBe('retry')
    expect(actionForError({ status: 400 }, 1).action).toBe('fail')
    expect(actionForError({ code: 100, status: 503 }, 1).action).toBe('fail')
  })

  it('gives up after the last attempt', () => {
    expect(actionForError({ code: 130429 }, MAX_SEND_ATTEMPTS)).toEqual({ action: 'fail' })
    expect(actionForError({ code: 131049 }, MAX_SEND_ATTEMPTS)).toEqual({ action: 'fail' })
  })
})
