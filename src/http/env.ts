import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import type { Tx } from '../db/tenant.js'
import type { Role } from '../db/schema.js'
import type { FieldCipher } from '../crypto/field-cipher.js'
import type { Renderer } from './render.js'
import type { JobQueue } from '../jobs/types.js'
import type { GraphTarget } from '../whatsapp/graph-errors.js'

/** Who is making the request: a console user or an API key, always inside one workspace. */
export interface Principal {
  readonly kind: 'user' | 'api_key'
  readonly id: string
  readonly workspaceId: string
  readonly role: Role
  readonly name: string
  readonly email?: string
  readonly sessionId?: string
  /** A console user whose password someone else set; the console asks for a new one first. */
  readonly mustChangePassword?: boolean
  /** The workspace's IANA zone: times are shown, and bare dates read, on its clock. */
  readonly timeZone: string
}

/** Everything a request handler may use; built once in main.ts (or a test) and passed to createApp. */
export interface AppDeps {
  readonly db: Db
  readonly cipher: FieldCipher
  readonly log: Logger
  readonly sessionSecret: string
  readonly views: Renderer
  readonly trustProxy: boolean
  /** Proxies in front of Parley that each append one X-Forwarded-For hop (used with trustProxy). */
  readonly trustProxyHops: number
  /** Meta app secret (webhook signatures) and verify token (handshake); absent = refused. */
  readonly whatsapp: { readonly appSecret?: string; readonly verifyToken?: string }
  /** DATA_DIR: downloaded media are served from here. */
  readonly dataDir: string
  /** Where requests hand work to background jobs. */
  readonly jobs: JobQueue
  /** Meta's Graph API, for calls a request makes itself (a template sync on demand). */
  readonly graph: GraphTarget
  /** True when the database answers and is migrated. */
  isReady(): Promise<boolean>
  now(): Date
}

/** Options for rendering a view from a handler. */
export interface RenderOptions {
  /** Render only the template, without the page layout (HTMX swaps). */
  fragment?: boolean
}

/** Hono's typed context variables for every Parley route. */
export interface AppEnv {
  Variables: {
    deps: AppDeps
    requestId: string
    log: Logger
    principal: Principal | undefined
    csrfToken: string
    /** Runs work in a transaction bound to the principal's workspace. */
    tenant: <T>(work: (tx: Tx) => Promise<T>) => Promise<T>
    render: (template: string, data?: Record<string, unknown>, options?: RenderOptions) => string
  }
}
