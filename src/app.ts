import { Hono } from 'hono'
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { serveStatic } from '@hono/node-server/serve-static'
import type { AppDeps, AppEnv } from './http/env.js'
import { AppError } from './errors.js'
import { requestServices } from './http/context.js'
import { requestContext } from './http/request-context.js'
import { isStaticPath, securityHeaders } from './http/security-headers.js'
import { methodNotAllowed } from './http/allowed-methods.js'
import { refuseNulInQuery } from './http/query-guard.js'
import { handleError, handleNotFound, isMachinePath } from './http/error-handler.js'
import { sessionLoader } from './http/session.js'
import { csrfProtection } from './http/csrf.js'
import { passwordChangeGate } from './http/password-gate.js'
import { apiKeyAuth } from './http/api-auth.js'
import { publicRoute } from './http/roles.js'
import { healthRoutes } from './http/health.js'
import { authConsole } from './auth/console.js'
import { accountConsole } from './auth/account-console.js'
import { homeConsole } from './console/console.js'
import { inboxConsole } from './inbox/console.js'
import { createLiveFeed } from './inbox/live-feed.js'
import { contactsConsole } from './contacts/console.js'
import { consentConsole } from './consent/console.js'
import { auditConsole } from './audit/console.js'
import { usersConsole } from './users/console.js'
import { mediaRoutes } from './messages/console.js'
import { settingsConsole } from './workspaces/console.js'
import { whatsappConsole } from './workspaces/whatsapp-console.js'
import { templatesConsole } from './templates/console.js'
import { usersApi } from './users/api.js'
import { contactsApi } from './contacts/api.js'
import { workspaceApi } from './workspaces/api.js'
import { PROJECT_ROOT } from './paths.js'
import { webhookRoutes } from './webhooks/routes.js'
import { createWebhookIngest } from './webhooks/ingest.js'
import { createKick } from './jobs/kick.js'
import { consentApi } from './consent/api.js'
import { sendsApi } from './outbound/api.js'

const API_BODY_LIMIT = 1024 * 1024
const CONSOLE_BODY_LIMIT = 256 * 1024
// Meta sends up to 3 MB per POST; a little headroom, and anything larger is refused unread.
const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024
const PROCESSING_KICK_MS = 500

function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('payload_too_large')
    },
  })
}

// Console middleware (cookies, CSRF) applies to every path that is not machine-facing or static.
function consoleOnly(...handlers: MiddlewareHandler<AppEnv>[]): MiddlewareHandler<AppEnv>[] {
  return handlers.map((handler) => async (c, next) => {
    if (isMachinePath(c.req.path) || isStaticPath(c.req.path)) {
      await next()
      return
    }
    return handler(c, next)
  })
}

/** Builds the whole HTTP application from its dependencies (no globals, no environment). */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>()
  app.onError(handleError)
  app.notFound(handleNotFound)
  app.use('*', requestServices(deps), requestContext, securityHeaders, refuseNulInQuery)
  app.use(
    '*',
    methodNotAllowed(() => app.routes),
  )

  app.get('/public/*', publicRoute(), serveStatic({ root: PROJECT_ROOT }))
  app.get(
    '/vendor/htmx.min.js',
    publicRoute(),
    serveStatic({ path: `${PROJECT_ROOT}/node_modules/htmx.org/dist/htmx.min.js` }),
  )
  app.get(
    '/vendor/hx-sse.min.js',
    publicRoute(),
    serveStatic({ path: `${PROJECT_ROOT}/node_modules/htmx.org/dist/ext/hx-sse.min.js` }),
  )
  app.route('/', healthRoutes)

  const kickProcessing = createKick(() => deps.jobs.enqueue('webhooks.process', {}), {
    log: deps.log,
    intervalMs: PROCESSING_KICK_MS,
  })
  const kickSending = createKick(() => deps.jobs.enqueue('outbound.dispatch', {}), {
    log: deps.log,
    intervalMs: PROCESSING_KICK_MS,
  })
  const ingest = createWebhookIngest({ ...deps, onStored: kickProcessing })
  app.use('/webhooks/*', limitBody(WEBHOOK_BODY_LIMIT))
  app.route('/', webhookRoutes(ingest))

  app.use('/api/*', limitBody(API_BODY_LIMIT), apiKeyAuth)
  app.route('/api/v1', workspaceApi)
  app.route('/api/v1', usersApi)
  app.route('/api/v1', contactsApi)
  app.route('/api/v1', consentApi)
  app.route('/api/v1', sendsApi(kickSending))
  app.route('/api/v1', mediaRoutes)

  app.use(
    '*',
    ...consoleOnly(
      limitBody(CONSOLE_BODY_LIMIT),
      sessionLoader,
      csrfProtection,
      passwordChangeGate,
    ),
  )
  app.route('/', homeConsole)
  app.route('/', inboxConsole({ feed: createLiveFeed(deps), kickSending }))
  app.route('/', contactsConsole)
  app.route('/', templatesConsole)
  app.route('/', consentConsole)
  app.route('/', auditConsole)
  app.route('/', authConsole)
  app.route('/', accountConsole)
  app.route('/', usersConsole)
  app.route('/', mediaRoutes)
  app.route('/', settingsConsole)
  app.route('/', whatsappConsole)
  return app
}

/** The application type, for tests that walk its routes. */
export type ParleyApp = ReturnType<typeof createApp>
