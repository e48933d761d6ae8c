import { withSystem, withTenant } from '../db/tenant.js'
import { AppError } from '../errors.js'
import { findUserByEmail } from '../auth/auth.repo.js'
import { storePassword } from '../auth/store-password.js'
import { recordAudit } from '../audit/record-audit.js'
import { systemActor } from '../actor.js'
import type { CommandDeps } from './commands.js'
import { readFlags } from './args.js'
import { processTerminal, type Terminal } from './terminal.js'

async function askTwice(terminal: Terminal): Promise<string> {
  const password = await terminal.readSecret('New password: ')
  if ((await terminal.readSecret('Same password again: ')) !== password) {
    throw new AppError('validation_failed', 'the two passwords are not the same')
  }
  return password
}

/**
 * `user:password --email E [--password P]`: sets a console user's password, which they must
 * replace at next login; their sessions end. Emails are unique across workspaces, so the email
 * alone names the user.
 */
export async function userPassword(
  deps: CommandDeps,
  argv: string[],
  terminal: Terminal = processTerminal,
) {
  const flags = readFlags(argv, { required: ['email'], optional: ['password'] })
  if (flags.password === undefined && !terminal.interactive) {
    throw new AppError('validation_failed', 'no --password given and stdin is not a terminal')
  }
  const user = await withSystem(deps.db, (tx) => findUserByEmail(tx, flags.email.trim()))
  if (!user) throw new AppError('not_found', `no user with email ${flags.email}`)
  const password = flags.password ?? (await askTwice(terminal))
  const now = deps.now()
  await withTenant(deps.db, user.workspaceId, async (tx) => {
    await storePassword(tx, { userId: user.id, email: user.email, password, mustChange: true, now })
    // Whoever runs the command has the server's secrets, not a console account: the audit log
    // names the command.
    const actor = systemActor(user.workspaceId, 'parley user:password')
    await recordAudit(
      tx,
      { actor, now },
      {
        action: 'user.password_reset',
        recordType: 'user',
        recordId: user.id,
      },
    )
  })
  return { id: user.id, email: user.email, workspaceId: user.workspaceId, mustChangePassword: true }
}
