import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { seedWorkspace } from '../helpers/workspace.js'
import { signedIn } from '../helpers/console-session.js'
import * as helpers from '../helpers/templates.js'
import { GRAPH_VERSION, useSendingSuite } from '../helpers/sending.js'
import { graphError } from '../fakes/meta-graph.js'
import { withTenant } from '../../src/db/tenant.js'
import { auditEntries, type Role } from '../../src/db/schema.js'
import { isAppError } from '../../src/errors.js'
import { JOBS } from '../../src/jobs/registry.js'
import { syncTemplates } from '../../src/templates/sync-templates.js'
import { syncAllTemplates } from '../../src/templates/sync-all-templates.js'
import { findApprovedTemplate, listTemplateViews } from '../../src/templates/list-templates.js'
import { templateSendOf } from '../../src/templates/rules.js'
import { templateMessage } from '../../src/whatsapp/send-bodies.js'
import { validatorFor } from '../helpers/openapi-schemas.js'

const suite = useSendingSuite('Templates')
const template = helpers.metaTemplate
const connectedWorkspace = (label: string) => helpers.connectedWorkspace(suite.t, label)
const storedTemplates = (workspaceId: string) => helpers.storedTemplates(suite.t, workspaceId)

function templateRequests(wabaId: string) {
  return suite.meta.requests.filter(
    (r) => r.path === `/${GRAPH_VERSION}/${wabaId}/message_templates`,
  )
}

function loggedIn(ws: { users: Record<Role, { email: string }> }, role: Role) {
  return signedIn(suite.t.app, ws.users[role])
}

describe('syncing templates from Meta', () => {
  it('stores every page Meta lists', async () => {
    const ws = await connectedWorkspace('Paging')
    const names = Array.from({ length: 230 }, (_, i) => `tpl_${String(i).padStart(3, '0')}`)
    suite.meta.templates.set(
      ws.wabaId,
      names.map((name) => template(name)),
    )
    const counts = await syncTemplates(suite.t.jobDeps, ws.workspaceId)
    expect(counts).toEqual({ synced: 230, removed: 0 })
    const requests = templateRequests(ws.wabaId)
    expect(requests.length).toBeGreaterThan(1)
    expect(requests[0]?.query.fields?.split(',')).toEqual(
      expect.arrayContaining(['name', 'language', 'status', 'category', 'components']),
    )
    const rows = await storedTemplates(ws.workspaceId)
    expect(rows.map((r) => r.name)).toEqual(names)
    expect(rows[7]).toMatchObject({
      metaId: 'meta-tpl_007',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hello {{1}}, this is tpl_007.' }],
    })
  })

  it('updates changed templates and removes the ones Meta no longer lists, on a second sync', async () => {
    const ws = await connectedWorkspace('Resync')
    suite.meta.templates.set(ws.wabaId, [
      template('a_keep'),
      template('b_change'),
      template('c_drop'),
    ])
    await syncTemplates(suite.t.jobDeps, ws.workspaceId)
    const before = await storedTemplates(ws.workspaceId)
    suite.meta.templates.set(ws.wabaId, [
      template('a_keep'),
      template('b_change', { status: 'PAUSED', category: 'MARKETING' }),
      template('d_new', { language: 'pt_BR' }),
    ])
    const counts = await syncTemplates(suite.t.jobDeps, ws.workspaceId)
    expect(counts).toEqual({ synced: 3, removed: 1 })
    const after = await storedTemplates(ws.workspaceId)
    expect(after.map((r) => [r.name, r.language, r.status, r.category])).toEqual([
      ['a_keep', 'en_US', 'APPROVED', 'UTILITY'],
      ['b_change', 'en_US', 'PAUSED', 'MARKETING'],
      ['d_new', 'pt_BR', 'APPROVED', 'UTILITY'],
    ])
    // Rows are updated in place: ids others keep (a send form, a campaign) stay valid.
    expect(after[0]?.id).toBe(before[0]?.id)
    expect(after[1]?.id).toBe(before[1]?.id)
  })

  it('refuses a workspace without a WhatsApp Business Account with whatsapp_not_connected', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'No WABA')
    const failure = await syncTemplates(suite.t.jobDeps, ws.workspaceId).catch((e: unknown) => e)
    expect(isAppError(failure, 'whatsapp_not_connected')).toBe(true)
    expect((failure as Error).message).toMatch(/connect its id \(WABA id\)/)
  })

  it('turns a Meta error into a readable whatsapp_unavailable and keeps what was stored', async () => {
    const ws = await connectedWorkspace('Meta error')
    suite.meta.templates.set(ws.wabaId, [template('kept')])
    await syncTemplates(suite.t.jobDeps, ws.workspaceId)
    suite.meta.templates.set(ws.wabaId, [])
    suite.meta.templates.failOnce(ws.wabaId, graphError(401, 190, 'Session has expired'))
    const failure = await syncTemplates(suite.t.jobDeps, ws.workspaceId).catch((e: unknown) => e)
    expect(isAppError(failure, 'whatsapp_unavailable')).toBe(true)
    expect((failure as Error).message).toMatch(/access token \(error 190\)/)
    expect((await storedTemplates(ws.workspaceId)).map((r) => r.name)).toEqual(['kept'])
  })
})

describe('reading templates', () => {
  it('lists views by name and language and finds only approved ones to send', async () => {
    const ws = await connectedWorkspace('Views')
    suite.meta.templates.set(ws.wabaId, [
      template('welcome', { language: 'pt_BR' }),
      template('welcome'),
      template('pending_one', { status: 'PENDING' }),
    ])
    await syncTemplates(suite.t.jobDeps, ws.workspaceId)
    const { all, approved } = await withTenant(suite.t.deps.db, ws.workspaceId, async (tx) => ({
      all: await listTemplateViews(tx, { approvedOnly: false }),
      approved: await listTemplateViews(tx, { approvedOnly: true }),
    }))
    expect(all.map((v) => `${v.name}/${v.language}`)).toEqual([
      'pending_one/en_US',
      'welcome/en_US',
      'welcome/pt_BR',
    ])
    expect(approved.map((v) => `${v.name}/${v.language}`)).toEqual([
      'welcome/en_US',
      'welcome/pt_BR',
    ])
    const pending = all.find((v) => v.name === 'pending_one')
    const welcome = all.find((v) => v.name === 'welcome')
    const found = await withTenant(suite.t.deps.db, ws.workspaceId, async (tx) => ({
      pending: await findApprovedTemplate(tx, pending?.id ?? ''),
      welcome: await findApprovedTemplate(tx, welcome?.id ?? ''),
      malformed: await findApprovedTemplate(tx, 'not-a-uuid'),
    }))
    expect(found.pending).toBeUndefined()
    expect(found.malformed).toBeUndefined()
    expect(found.welcome).toMatchObject({ name: 'welcome', category: 'utility' })
    expect(found.welcome?.parameters.map((p) => p.field)).toEqual(['body_1'])
    // A filled-in form becomes the send body Meta's schema accepts (what the gate will post).
    const send = found.welcome && templateSendOf(found.welcome, { body_1: ' Ana ' })
    if (!send?.ok) throw new Error('the welcome template should be sendable')
    const body = templateMessage({ phone: '+15550100' }, send.template)
    expect(validatorFor('SendMessageRequest')(body)).toEqual([])
    expect(body.template?.components).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: 'Ana' }] },
    ])
  })

  it("never shows another workspace's templates", async () => {
    const ws = await connectedWorkspace('Mine')
    const other = await connectedWorkspace('Theirs')
    suite.meta.templates.set(ws.wabaId, [template('mine_only')])
    suite.meta.templates.set(other.wabaId, [template('theirs_secret')])
    await syncTemplates(suite.t.jobDeps, ws.workspaceId)
    await syncTemplates(suite.t.jobDeps, other.workspaceId)
    const [theirs] = await storedTemplates(other.workspaceId)
    const seen = await withTenant(suite.t.deps.db, ws.workspaceId, async (tx) => ({
      list: await listTemplateViews(tx, { approvedOnly: false }),
      byId: await findApprovedTemplate(tx, theirs?.id ?? ''),
    }))
    expect(seen.list.map((v) => v.name)).toEqual(['mine_only'])
    expect(seen.byId).toBeUndefined()
    const page = await (await loggedIn(ws, 'owner')).get('/templates')
    const html = await page.text()
    expect(html).toContain('mine_only')
    expect(html).not.toContain('theirs_secret')
  })
})

describe('the Templates page', () => {
  it('lists name, language, category, status, body and placeholders for sales', async () => {
    const ws = await connectedWorkspace('Page')
    suite.meta.templates.set(ws.wabaId, [
      template('order_shipped', { category: 'MARKETING', status: 'PAUSED' }),
    ])
    await syncTemplates(suite.t.jobDeps, ws.workspaceId)
    const sales = await loggedIn(ws, 'sales')
    const page = await sales.get('/templates')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('<h1>Templates</h1>')
    expect(html).toContain('href="/templates" aria-current="page"')
    expect(html).toMatch(/data-label="Name">order_shipped</)
    expect(html).toMatch(/data-label="Language">en_US</)
    expect(html).toMatch(/data-label="Category">marketing</)
    expect(html).toMatch(/data-label="Status">paused</)
    expect(html).toContain('Hello {{1}}, this is order_shipped.')
    expect(html).toContain('To fill in: Body {{1}}')
    expect(html).toContain('Last synced')
    // Syncing is for managers and up: sales do not get the button.
    expect(html).not.toContain('action="/templates/sync"')
    const fragment = await sales.get('/templates', { 'hx-request': 'true' })
    const part = await fragment.text()
    expect(part).toMatch(/^<div id="templates-panel">/)
    expect(part).not.toContain('<html')
  })

  it('says how to get templates when there are none', async () => {
    const ws = await connectedWorkspace('Empty')
    const html = await (await (await loggedIn(ws, 'manager')).get('/templates')).text()
    expect(html).toContain("Create them in Meta's WhatsApp Manager")
    expect(html).toContain('action="/templates/sync"')
    expect(html).not.toContain('class="records"')
  })

  it('syncs for a manager, shows the counts and writes an audit entry', async () => {
    const ws = await connectedWorkspace('Manager sync')
    suite.meta.templates.set(ws.wabaId, [template('first'), template('second')])
    const manager = await loggedIn(ws, 'manager')
    const response = await manager.post('/templates/sync', {}, { htmx: true })
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('Synced 2 templates from Meta.')
    expect(html).toMatch(/data-label="Name">first</)
    expect((await storedTemplates(ws.workspaceId)).map((r) => r.name)).toEqual(['first', 'second'])
    const audit = await withTenant(suite.t.deps.db, ws.workspaceId, (tx) =>
      tx.select().from(auditEntries).where(eq(auditEntries.action, 'templates.sync')),
    )
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({
      actorType: 'user',
      actorId: ws.users.manager.id,
      details: { synced: 2, removed: 0 },
    })
  })

  it('refuses a sync from sales with 403 and calls no one', async () => {
    const ws = await connectedWorkspace('Sales sync')
    suite.meta.templates.set(ws.wabaId, [template('nope')])
    const response = await (await loggedIn(ws, 'sales')).post('/templates/sync', {})
    expect(response.status).toBe(403)
    expect(templateRequests(ws.wabaId)).toEqual([])
    expect(await storedTemplates(ws.workspaceId)).toEqual([])
  })

  it('tells a workspace without a WhatsApp Business Account how to connect one', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Page no WABA')
    const response = await (await loggedIn(ws, 'admin')).post('/templates/sync', {})
    expect(response.status).toBe(409)
    const html = await response.text()
    expect(html).toContain('role="alert"')
    expect(html).toContain('Templates come from your WhatsApp Business Account')
    expect(html).toContain('<h1>Templates</h1>')
  })

  it("shows Meta's refusal (190) as a notice on the page, not a 500", async () => {
    const ws = await connectedWorkspace('Page 190')
    suite.meta.templates.failOnce(ws.wabaId, graphError(401, 190, 'Error validating access token'))
    const response = await (await loggedIn(ws, 'owner')).post('/templates/sync', {}, { htmx: true })
    expect(response.status).toBe(502)
    const html = await response.text()
    expect(html).toMatch(/^<div id="templates-panel">/)
    expect(html).toContain('Meta refused the access token (error 190)')
    expect(html).not.toContain('Something went wrong')
  })
})

describe('the template jobs', () => {
  it('templates.sync syncs one workspace and is safe to run twice', async () => {
    const ws = await connectedWorkspace('Job')
    suite.meta.templates.set(ws.wabaId, [template('job_one'), template('job_two')])
    const job = JOBS['templates.sync']
    const payload = job.payload.parse({ workspaceId: ws.workspaceId })
    expect(await job.run(suite.t.jobDeps, payload)).toEqual({ ok: true, synced: 2, removed: 0 })
    expect(await job.run(suite.t.jobDeps, payload)).toEqual({ ok: true, synced: 2, removed: 0 })
    expect((await storedTemplates(ws.workspaceId)).map((r) => r.name)).toEqual([
      'job_one',
      'job_two',
    ])
  })

  it('templates.sync ends with the reason, not a failure, for a workspace that is not connected', async () => {
    const ws = await seedWorkspace(suite.t.deps, 'Job no WABA')
    const outcome = await JOBS['templates.sync'].run(suite.t.jobDeps, {
      workspaceId: ws.workspaceId,
    })
    expect(outcome).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/WABA id/) as string,
    })
  })

  it('templates.sync-all syncs every connected workspace even when one fails', async () => {
    const first = await connectedWorkspace('All 1')
    const failing = await connectedWorkspace('All 2')
    const last = await connectedWorkspace('All 3')
    const unconnected = await seedWorkspace(suite.t.deps, 'All 4')
    suite.meta.templates.set(first.wabaId, [template('first_all')])
    suite.meta.templates.set(last.wabaId, [template('last_all')])
    suite.meta.templates.failOnce(
      failing.wabaId,
      graphError(500, 2, 'Service temporarily unavailable'),
    )
    const workspaceIds = [first, failing, last, unconnected].map((ws) => ws.workspaceId)
    expect(await syncAllTemplates(suite.t.jobDeps, { workspaceIds })).toEqual({
      synced: 2,
      failed: 1,
    })
    expect((await storedTemplates(first.workspaceId)).map((r) => r.name)).toEqual(['first_all'])
    expect((await storedTemplates(last.workspaceId)).map((r) => r.name)).toEqual(['last_all'])
    expect(await storedTemplates(unconnected.workspaceId)).toEqual([])
  })

  it('the registered daily job reaches connected workspaces', async () => {
    const ws = await connectedWorkspace('Daily')
    suite.meta.templates.set(ws.wabaId, [template('daily_one')])
    const job = JOBS['templates.sync-all']
    expect(job.everyMs).toBe(24 * 60 * 60 * 1000)
    // Other files' workspaces share the database; those the fake does not know just fail.
    await job.run(suite.t.jobDeps, {})
    expect((await storedTemplates(ws.workspaceId)).map((r) => r.name)).toEqual(['daily_one'])
  })
})
