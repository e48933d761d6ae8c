import type { FieldCipher } from '../crypto/field-cipher.js'
import type { Tx } from '../db/tenant.js'
import type { Principal } from '../http/env.js'
import { maskPhone } from '../logger.js'
import { ROLES } from '../db/schema.js'
import { mayManage } from './rules.js'
import { listUsers } from './users.repo.js'

/** The workspace's users as the console and API show them, with what the viewer may do to each. */
export async function loadUserDirectory(tx: Tx, cipher: FieldCipher, viewer: Principal) {
  const rows = await listUsers(tx)
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    phone: row.phoneEnc ? maskPhone(cipher.decrypt(row.phoneEnc)) : null,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    isSelf: row.id === viewer.id,
    manageable: mayManage(viewer.role, row.role),
  }))
}

/** Roles the viewer may hand out. */
export function assignableRoles(viewer: Principal) {
  return ROLES.filter((role) => mayManage(viewer.role, role))
}
