import { expect, it } from 'vitest'
import fc from 'fast-check'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import { contactByPhone, dispatchFor, sendsOf, useSendingSuite } from '../helpers/sending.js'

const suite = useSendingSuite('Interleavings')

type Keyword = 'STOP' | 'START'
type Op =
  | { kind: 'inbound'; text: Keyword | 'hello'; offset: number }
  | { kind: 'send' }
  | { kind: 'dispatch' }
  | { kind: 'race'; text: Keyword; offset: number }

const keyword = fc.constantFrom<Keyword>('STOP', 'START')
// Message times within a quarter of an hour, so later deliveries are often older messages.
const offset = fc.integer({ min: 0, max: 900 })
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('inbound' as const),
    text: fc.constantFrom<Keyword | 'hello'>('STOP', 'START', 'hello'),
    offset,
  }),
  fc.record({ kind: fc.constant('send' as const) }),
  fc.record({ kind: fc.constant('dispatch' as const) }),
  fc.record({ kind: fc.constant('race' as const), text: keyword, offset }),
)

/** When the contact's state changed, conservatively: an opt-out from the end of its processing, an opt-in from its start. */
interface Checkpoint {
  at: number
  state: string
}

class Run {
  readonly phone = randomPhone()
  readonly base = Date.now() - 1000_000
  readonly checkpoints: Checkpoint[] = []
  readonly keywords: { text: Keyword; at: number }[] = []

  async inbound(text: string, offsetSeconds: number) {
    const at = this.base + offsetSeconds * 1000
    if (text === 'STOP' || text === 'START') this.keywords.push({ text, at })
    const before = await this.state()
    const started = Date.now()
    await receive(
      suite.t,
      inboundMessage(suite.ws.phoneNumberId, { from: this.phone, text, at: new Date(at) }),
    )
    const after = await this.state()
    if (after !== before) {
      this.checkpoints.push({ at: after === 'opted_out' ? Date.now() : started, state: after })
    }
  }

  async send(): Promise<void> {
    const contact = await contactByPhone(suite.t, suite.ws.workspaceId, this.phone)
    const response = await suite.t.app.request(`/api/v1/contacts/${contact.id}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${suite.ws.keys.sales}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ text: 'An offer' }),
    })
    expect(response.status).toBe(contact.consentState === 'opted_out' ? 409 : 202)
  }

  async dispatch() {
    // The pair limit counts on the test clock: moving it on lets the next message go now.
    suite.t.clock.advance(6500)
    await dispatchFor(suite.jobDeps, suite.ws.workspaceId, { noWaiting: true })
  }

  async state() {
    return contactByPhone(suite.t, suite.ws.workspaceId, this.phone)
      .then((c) => c.consentState)
      .catch(() => 'subscribed')
  }

  /** The state in force at a moment, by the checkpoints. */
  stateAt(moment: number): string {
    const last = this.checkpoints.filter((c) => c.at <= moment).at(-1)
    return last?.state ?? 'subscribed'
  }

  /** The latest keyword by message time decides; a STOP wins a tie within a second. */
  expectedState(): string {
    const bySecond = this.keywords.map((k) => ({ ...k, second: Math.floor(k.at / 1000) }))
    const latest = bySecond
      .sort((a, b) => a.second - b.second || (a.text === 'STOP' ? 1 : -1))
      .at(-1)
    return latest?.text === 'STOP' ? 'opted_out' : 'subscribed'
  }
}

async function play(run: Run, step: Op) {
  if (step.kind === 'inbound') await run.inbound(step.text, step.offset)
  else if (step.kind === 'send') await run.send()
  else if (step.kind === 'dispatch') await run.dispatch()
  else await Promise.all([run.dispatch(), run.inbound(step.text, step.offset)])
}

it('never lets a message other than a confirmation reach Meta while the contact is opted out', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 9 }), async (steps) => {
      const run = new Run()
      await run.inbound('hello', 950)
      for (const step of steps) await play(run, step)
      await run.dispatch()
      const contact = await contactByPhone(suite.t, suite.ws.workspaceId, run.phone)
      const confirmations = new Set(
        (await sendsOf(suite.t, suite.ws.workspaceId))
          .filter((s) => s.contactId === contact.id && s.origin === 'confirmation')
          .map((s) => s.id),
      )
      const reached = suite.meta.sendsTo(`+${run.phone}`)
      for (const send of reached) {
        if (confirmations.has(send.body.biz_opaque_callback_data ?? '')) continue
        expect(run.stateAt(send.at)).toBe('subscribed')
      }
      expect(contact.consentState).toBe(run.expectedState())
    }),
    { numRuns: 25 },
  )
  expect(suite.meta.problems).toEqual([])
}, 240_000)
