import { ROLES, type Role } from '../db/schema.js'
import { roleAtLeast } from '../http/roles.js'
import { passwordProblem } from '../auth/password-rules.js'

/** Fields a new console user is created with, as typed by a person or a script. */
export interface UserInput {
  email: string
  name: string
  password: string
  role: string
  phone?: string | undefined
}

/** The same fields, checked and normalised. */
export interface ValidUser {
  email: string
  name: string
  password: string
  role: Role
  phone: string | undefined
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const E164 = /^\+[1-9]\d{6,14}$/

/** True when `value` is one of the four roles. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}

/** Why an email address cannot be a login, or undefined. */
export function emailProblem(email: string): string | undefined {
  return EMAIL.test(email.trim()) ? undefined : 'Email must look like name@example.com'
}

/** Checks a new user's fields; returns every problem, or the normalised user. */
export function validateUser(input: UserInput): { problems: string[]; user?: ValidUser } {
  const problems: string[] = []
  const email = input.email.trim().toLowerCase()
  const name = input.name.trim() || email.split('@')[0] || ''
  const phone = input.phone?.replace(/[\s()-]/g, '') || undefined
  const emailTrouble = emailProblem(email)
  if (emailTrouble) problems.push(emailTrouble)
  const passwordTrouble = passwordProblem(input.password, email)
  if (passwordTrouble) problems.push(passwordTrouble)
  if (!isRole(input.role)) problems.push(`Role must be one of ${ROLES.join(', ')}`)
  if (phone !== undefined && !E164.test(phone)) {
    problems.push('Phone must be in international format, like +919876543210')
  }
  if (problems.length > 0 || !isRole(input.role)) return { problems }
  return { problems, user: { email, name, password: input.password, role: input.role, phone } }
}

/** Whether an actor may give `role` to someone, or change a user who has `targetRole`. */
export function mayManage(actorRole: Role, targetRole: Role): boolean {
  // Only owners make or change owners; admins manage everyone below owner.
  if (targetRole === 'owner') return actorRole === 'owner'
  return roleAtLeast(actorRole, 'admin')
}
