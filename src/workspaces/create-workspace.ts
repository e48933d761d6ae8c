import type { AppDeps } from '../http/env.js'
import type { Tx } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { isUniqueViolation } from '../db/sql-errors.js'
import { insertWorkspace } from './workspaces.repo.js'
import { isTimeZone } from '../console/time-zone.js'

/** What creating a workspace needs; the WhatsApp fields connect it to a business number. */
export interface NewWorkspace {
  name: string
  phoneNumberId?: string | undefined
  accessToken?: string | undefined
  wabaId?: string | undefined
  /** IANA zone name; UTC when absent. */
  timeZone?: string | undefined
}

/** Why a workspace name cannot be used, or undefined. */
export function workspaceNameProblem(name: string): string | undefined {
  const trimmed = name.trim()
  if (trimmed.length === 0 || trimmed.length > 120) {
    return 'Workspace name must be 1 to 120 characters'
  }
  return undefined
}

/** Validates and creates a workspace inside a system transaction; the access token is stored encrypted. */
export async function createWorkspace(
  tx: Tx,
  deps: Pick<AppDeps, 'cipher'>,
  input: NewWorkspace,
): Promise<string> {
  const name = input.name.trim()
  const nameProblem = workspaceNameProblem(name)
  if (nameProblem) throw new AppError('validation_failed', nameProblem)
  if (input.phoneNumberId !== undefined && !/^\d{5,20}$/.test(input.phoneNumberId)) {
    throw new AppError(
      'validation_failed',
      'phone-number-id must be 5 to 20 digits: the id Meta shows for the number, not the phone number itself',
    )
  }
  if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) {
    throw new AppError(
      'validation_failed',
      'timezone must be an IANA zone name such as Asia/Kolkata',
    )
  }
  try {
    return await insertWorkspace(tx, {
      name,
      phoneNumberId: input.phoneNumberId ?? null,
      wabaId: input.wabaId ?? null,
      accessTokenEnc: input.accessToken ? deps.cipher.encrypt(input.accessToken) : null,
      settings: input.timeZone ? { timezone: input.timeZone } : {},
    })
  } catch (error) {
    if (isUniqueViolation(error, 'workspaces_phone_number_id_unique')) {
      throw new AppError('validation_failed', 'Another workspace already uses this phone-number-id')
    }
    throw error
  }
}
