import { Hono } from 'hono'
import type { AppEnv } from '../http/env.js'
import { publicRoute, roleAtLeast } from '../http/roles.js'
import { needsSetup } from '../auth/setup.js'
import { findWorkspace } from '../workspaces/workspaces.repo.js'
import { sendingPauseOf } from '../workspaces/settings.js'
import { zonedTime } from './readable-time.js'

/** The console home: first run goes to setup, visitors to login, sales to the inbox, others to their dashboard. */
export const homeConsole = new Hono<AppEnv>().get('/', publicRoute(), async (c) => {
  const principal = c.var.principal
  if (!principal) {
    return c.redirect((await needsSetup(c.var.deps)) ? '/setup' : '/login', 303)
  }
  // Sales agents live in the inbox; the dashboard is for those who run the workspace.
  if (!roleAtLeast(principal.role, 'manager')) return c.redirect('/inbox', 303)
  const workspace = await c.var.tenant((tx) => findWorkspace(tx, principal.workspaceId))
  // Only owners and admins can resume sending or connect a number, so only they are offered it.
  const canResume = roleAtLeast(principal.role, 'admin')
  const pause = workspace && canResume ? sendingPauseOf(workspace) : null
  return c.html(
    c.var.render('console/home', {
      workspaceName: workspace?.name ?? '',
      whatsappConnected: Boolean(workspace?.phoneNumberId),
      sendingPause: pause && { ...pause, time: zonedTime(pause.at, principal.timeZone) },
      canConnect: canResume,
    }),
  )
})
