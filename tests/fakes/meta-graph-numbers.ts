import { setTimeout as sleep } from 'node:timers/promises'
import type { PhoneNumber } from '../../src/whatsapp/cloud-api.js'
import { graphError, type FakeReply, type RecordedRequest } from './meta-graph.js'

/** What a phone number request carries, as the fake's route table hands it over. */
interface NumberRequest {
  readonly params: readonly string[]
  readonly request: RecordedRequest
}

/**
 * `GET /{version}/{phone-number-id}?fields=…` of the fake Meta: the business numbers tests add,
 * only the fields asked for (plus the id), a 190 for a wrong token, scripted failures and delays.
 */
export class FakePhoneNumbers {
  /** Answers come this much later (timeout tests). */
  delayMs = 0
  private readonly numbers = new Map<string, PhoneNumber>()
  private readonly failures = new Map<string, FakeReply>()

  /** Meta knows this business number from now on. */
  add(number: PhoneNumber): void {
    this.numbers.set(number.id, number)
  }

  /** True for an id added as a phone number (the same path shape also looks media up). */
  has(id: string): boolean {
    return this.numbers.has(id) || this.failures.has(id)
  }

  /** The next request for this id answers `reply` instead (expired tokens, outages). */
  failOnce(id: string, reply: FakeReply): void {
    this.failures.set(id, reply)
  }

  /** Answers one request, as Meta would. */
  async answer({ params: [id = ''], request }: NumberRequest, token: string): Promise<FakeReply> {
    if (this.delayMs > 0) await sleep(this.delayMs)
    const failure = this.failures.get(id)
    if (failure) {
      this.failures.delete(id)
      return failure
    }
    if (request.headers.authorization !== `Bearer ${token}`) {
      return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token')
    }
    const number = this.numbers.get(id)
    if (!number) return graphError(400, 100, `Unsupported get request. Object with ID '${id}'`)
    const wanted = new Set(['id', ...(request.query.fields ?? '').split(',')])
    const body = Object.fromEntries(Object.entries(number).filter(([key]) => wanted.has(key)))
    return { status: 200, body }
  }
}
