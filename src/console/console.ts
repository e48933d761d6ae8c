import { Hono } from 'hono'
import type { AppEnv } from '../http/env.js'
import { publicRoute } from '../http/roles.js'
import { needsSetup } from '../auth/setup.js'
import { findWorkspace } from '../workspaces/workspaces.repo.js'

/** The console home: first run goes to setup, visitors to login, users to their dashboard. */
export const homeConsole = new Hono<AppEnv>().get('/', publicRoute(), async (c) => {
  const principal = c.var.principal
  if (!principal) {
    return c.redirect((await needsSetup(c.var.deps)) ? '/setup' : '/login', 303)
  }
  const workspace = await c.var.tenant((tx) => findWorkspace(tx, principal.workspaceId))
  return c.html(
    c.var.render('console/home', {
      workspaceName: workspace?.name ?? '',
      whatsappConnected: Boolean(workspace?.phoneNumberId),
    }),
  )
})
