import type { AppDeps } from '../http/env.js'
import type { Tx } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { isUniqueViolation } from '../db/sql-errors.js'
import { hashPassword } from '../auth/passwords.js'
import { insertUser } from './users.repo.js'
import { validateUser, type UserInput } from './rules.js'

/** Creates a console user in `workspaceId`; every invalid field is reported at once. */
export async function createUser(
  tx: Tx,
  deps: Pick<AppDeps, 'cipher'>,
  input: UserInput & { workspaceId: string },
): Promise<string> {
  const { problems, user } = validateUser(input)
  if (!user) throw new AppError('validation_failed', problems.join('; '), { problems })
  try {
    return await insertUser(tx, {
      workspaceId: input.workspaceId,
      email: user.email,
      name: user.name,
      role: user.role,
      passwordHash: await hashPassword(user.password),
      phoneEnc: user.phone ? deps.cipher.encrypt(user.phone) : null,
      phoneIndex: user.phone ? deps.cipher.blindIndex(user.phone) : null,
    })
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_key')) throw new AppError('email_taken')
    if (isUniqueViolation(error, 'users_phone_index_key')) {
      throw new AppError(
        'validation_failed',
        'Another user of this workspace has this phone number',
      )
    }
    throw error
  }
}
