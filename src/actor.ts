/**
 * Who acts in a use case, always inside one workspace: a console user, an API key, or Parley
 * itself (a job, a CLI command). Routes build it from the request (`http/actor.ts`); jobs use
 * `systemActor`. Use cases take it instead of a request, so a job calls them as a route does,
 * and the audit chain names whoever it was.
 */
export type Actor =
  | {
      readonly workspaceId: string
      readonly kind: 'user' | 'api_key'
      readonly id: string
      /** How the audit log names them: a user's email, a key's name. */
      readonly name: string
      readonly ip: string | null
    }
  | {
      readonly workspaceId: string
      readonly kind: 'system'
      readonly id: null
      /** The job or command that acted, e.g. `broadcasts.send` or `parley apikey:revoke`. */
      readonly name: string
      readonly ip: null
    }

/** A person or key acting (the principal of a request). */
export type PersonActor = Extract<Actor, { kind: 'user' | 'api_key' }>

/** Parley itself acting for `jobName` in the workspace: no person, no address. */
export function systemActor(workspaceId: string, jobName: string): Actor {
  return { workspaceId, kind: 'system', id: null, name: jobName, ip: null }
}

/** Who acts and when: what a use case needs to act and to record it in the audit chain. */
export interface Acting {
  readonly actor: Actor
  readonly now: Date
}
