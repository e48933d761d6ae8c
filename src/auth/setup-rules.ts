import { workspaceNameProblem } from '../workspaces/create-workspace.js'
import { emailProblem } from '../users/rules.js'
import { passwordProblem } from './password-rules.js'

/** The setup form's fields that have a rule (the owner's name may be blank). */
export type SetupField = 'workspaceName' | 'email' | 'password'

/** Every problem of the setup form at once, by field, so the form can mark each one. */
export function setupProblems(input: {
  workspaceName: string
  email: string
  password: string
}): Partial<Record<SetupField, string>> {
  const problems: Partial<Record<SetupField, string>> = {}
  const workspaceName = workspaceNameProblem(input.workspaceName)
  if (workspaceName) problems.workspaceName = workspaceName
  const email = emailProblem(input.email)
  if (email) problems.email = email
  const password = passwordProblem(input.password, input.email.trim().toLowerCase())
  if (password) problems.password = password
  return problems
}
