import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import { withTenant, type Tx } from '../db/tenant.js'
import { isUniqueViolation } from '../db/sql-errors.js'
import { AppError } from '../errors.js'
import type { GraphTarget } from '../whatsapp/graph-errors.js'
import { describePhoneNumber } from '../whatsapp/phone-numbers.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Actor } from '../actor.js'
import { loadWhatsAppCredentials } from '../credentials/whatsapp.js'
import { updateWhatsAppConnection } from './workspaces.repo.js'
import { loadSendingPause } from './settings.js'
import {
  checkFailureOf,
  readConnection,
  type CheckedNumber,
  type Connection,
  type ConnectionInput,
} from './whatsapp-rules.js'

/** What connecting uses: the database, the token cipher and where Meta is. */
export interface ConnectDeps {
  readonly db: Db
  readonly cipher: FieldCipher
  readonly log: Logger
  readonly graph: GraphTarget
  now(): Date
}

/** A stored connection: what Meta said about the number, and what changed. */
export interface Connected {
  readonly number: CheckedNumber
  readonly wabaId: string | null
  readonly tokenReplaced: boolean
  /** True when sends are still held by an earlier refusal from Meta (see resumeSending). */
  readonly sendingPaused: boolean
}

async function checkedWithMeta(deps: ConnectDeps, connection: Connection, accessToken: string) {
  const { phoneNumberId } = connection
  try {
    const found = await describePhoneNumber({ ...deps.graph, phoneNumberId, accessToken })
    return {
      phoneNumberId,
      displayPhoneNumber: found.displayPhoneNumber,
      verifiedName: found.verifiedName ?? null,
      qualityRating: found.qualityRating ?? null,
      checkedAt: deps.now().toISOString(),
    }
  } catch (error) {
    // The person sees a sentence; the log keeps Meta's own answer for whoever fixes it. Info,
    // not warn: it is the person's input Meta refused, and the CLI's one line already says so.
    deps.log.info({ err: error, phoneNumberId }, 'checking a WhatsApp number with Meta failed')
    const failure = checkFailureOf(error, phoneNumberId)
    throw new AppError(failure.code, failure.message)
  }
}

/**
 * Connects the workspace to a business number, or replaces its token: Meta is asked about the
 * number with the token first (outside any transaction: no lock waits on Meta), and only an
 * answer that names the number stores anything. The token is stored encrypted, as
 * `createWorkspace` stores it; a blank token keeps the stored one. The audit entry, written with
 * the change, names the number and says whether the token changed, never what it is.
 */
export async function connectWhatsApp(
  deps: ConnectDeps,
  actor: Actor,
  input: ConnectionInput,
): Promise<Connected> {
  const { workspaceId } = actor
  const [current, pause] = await withTenant(deps.db, workspaceId, async (tx) => [
    await loadWhatsAppCredentials(tx, deps.cipher, workspaceId),
    await loadSendingPause(tx, workspaceId),
  ])
  if (!current) throw new AppError('not_found', `no workspace with id ${workspaceId}`)
  const read = readConnection(input, current.accessToken !== null)
  if (!read.ok) throw new AppError('validation_failed', read.problems.join(' '))
  const { connection } = read
  const accessToken = connection.accessToken ?? current.accessToken ?? ''
  const number = await checkedWithMeta(deps, connection, accessToken)
  const connected: Connected = {
    number,
    wabaId: connection.wabaId === undefined ? current.wabaId : connection.wabaId,
    tokenReplaced: connection.accessToken !== undefined,
    sendingPaused: pause !== null,
  }
  return withTenant(deps.db, workspaceId, async (tx) => {
    await store(tx, deps, workspaceId, { connection, number })
    await recordAudit(tx, { actor, now: deps.now() }, auditEventOf(connected))
    return connected
  })
}

async function store(
  tx: Tx,
  deps: ConnectDeps,
  workspaceId: string,
  { connection, number }: { connection: Connection; number: CheckedNumber },
) {
  const { accessToken } = connection
  try {
    await updateWhatsAppConnection(tx, workspaceId, {
      phoneNumberId: connection.phoneNumberId,
      wabaId: connection.wabaId,
      accessTokenEnc: accessToken === undefined ? undefined : deps.cipher.encrypt(accessToken),
      checkedNumber: number,
    })
  } catch (error) {
    // Webhooks find their workspace by this id, so two workspaces cannot share it.
    if (isUniqueViolation(error, 'workspaces_phone_number_id_unique')) {
      throw new AppError(
        'validation_failed',
        'Another workspace already uses this phone number id. Nothing was changed.',
      )
    }
    throw error
  }
}

function auditEventOf({ number, wabaId, tokenReplaced }: Connected) {
  const { phoneNumberId, displayPhoneNumber, verifiedName } = number
  return {
    action: 'settings.whatsapp',
    recordType: 'workspace',
    details: { phoneNumberId, wabaId, displayPhoneNumber, verifiedName, tokenReplaced },
  }
}
