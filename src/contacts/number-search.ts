import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal } from '../http/roles.js'
import type { Tx } from '../db/tenant.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { AppError } from '../errors.js'
import { actorOf } from '../http/actor.js'
import type { PersonActor } from '../actor.js'
import { recordAuditWithinQuota } from '../audit/record-audit.js'
import { seesOnlyOwnAndUnassigned, type Viewer } from '../inbox/inbox-rules.js'
import { viewerOfPrincipal } from '../inbox/scope.js'
import { maskPhone } from './phone.js'

/** Who searches and when (their searches are audited as them), and what they may see. */
export interface Searcher {
  readonly viewer: Viewer
  readonly actor: PersonActor
  readonly now: Date
}

/** The request's principal as a searcher. */
export function searcherOf(c: Context<AppEnv>): Searcher {
  return {
    viewer: viewerOfPrincipal(currentPrincipal(c)),
    actor: actorOf(c),
    now: c.var.deps.now(),
  }
}

// Numbers are masked for sales, but an exact-number search answers yes or no: without a limit a
// masked number is found in a few hundred guesses. 30 different numbers a minute is plenty for
// looking people up; the same number again (a list refreshing itself) is not counted twice.
const NUMBER_SEARCHES = { limit: 30, windowMs: 60_000, sameWhen: 'search' }

/** Too many number searches: the words a person (or an integration's log) reads. */
export const TOO_MANY_NUMBER_SEARCHES = 'Too many number searches: wait a minute and try again'

/**
 * A sales user's (or sales key's) number search is audited, with the number masked, and refused
 * with rate_limited past 30 different numbers a minute. Other roles see every number anyway.
 */
export async function allowNumberSearch(
  tx: Tx,
  cipher: FieldCipher,
  searcher: Searcher,
  phone: string,
) {
  if (!seesOnlyOwnAndUnassigned(searcher.viewer)) return
  // The keyed blind index tells one search from another without the audit log holding the number.
  const search = cipher.blindIndex(phone).slice(0, 16)
  const event = { action: 'contact.number_search', details: { phone: maskPhone(phone), search } }
  if (!(await recordAuditWithinQuota(tx, searcher, event, NUMBER_SEARCHES))) {
    throw new AppError('rate_limited', TOO_MANY_NUMBER_SEARCHES)
  }
}
