import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseUrl } from '../helpers/databases.js'
import { sql } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { signedIn } from '../helpers/console-session.js'
import { cliEnv, runCliHere } from '../helpers/cli.js'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import type { Role } from '../../src/db/schema.js'
import { randomUUID } from 'node:crypto'
import { recordAudit, type AuditEvent } from '../../src/audit/record-audit.js'
import { systemActor, type Actor } from '../../src/actor.js'
import { verifyAuditChains } from '../../src/audit/verify.js'
import { contactWhoWrote, queueThroughGate } from '../helpers/sending.js'
import { conversations } from '../../src/db/schema.js'

type Workspace = Awaited<ReturnType<typeof seedWorkspace>>

let t: TestApp
let ws: Workspace

const DAY = '2026-03-02'
const IP = '198.51.100.23'

// Three entries a minute apart on DAY: an opt-out by a user, a send by an API key, a job's purge.
async function seedEntries(workspace: Workspace) {
  const { workspaceId } = workspace
  const owner = workspace.users.owner
  const entries: { actor: Actor; event: AuditEvent }[] = [
    {
      actor: { workspaceId, kind: 'user', id: owner.id, name: owner.email, ip: IP },
      event: {
        action: 'consent.opt_out',
        recordType: 'contact',
        recordId: 'c-111',
        details: { scope: 'messaging', reason: 'asked by phone' },
      },
    },
    {
      actor: { workspaceId, kind: 'api_key', id: randomUUID(), name: 'crm sync', ip: '192.0.2.9' },
      event: { action: 'message.send', recordType: 'message', recordId: 'm-222', details: {} },
    },
    {
      actor: systemActor(workspaceId, 'privacy.retention'),
      event: { action: 'settings.privacy', details: { retentionDays: 30 } },
    },
  ]
  for (const [index, { actor, event }] of entries.entries()) {
    const now = new Date(Date.parse(`${DAY}T10:00:00Z`) + index * 60_000)
    await withTenant(t.deps.db, workspaceId, (tx) => recordAudit(tx, { actor, now }, event))
  }
}

function as(role: Role, workspace = ws) {
  return signedIn(t.app, workspace.users[role])
}

async function htmlOf(response: Response, status = 200) {
  expect(response.status).toBe(status)
  return response.text()
}

// As the table owner: the app role may not change or delete audit entries at all.
function tamper(workspace: Workspace, change: 'edit' | 'delete') {
  const id = workspace.workspaceId
  return withSystem(t.deps.db, (tx) =>
    tx.execute(
      change === 'edit'
        ? sql`update audit_entries set details = '{"x":1}' where workspace_id = ${id} and seq = 2`
        : sql`delete from audit_entries where workspace_id = ${id} and seq = 2`,
    ),
  )
}

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Audit log')
  await seedEntries(ws)
})
afterAll(() => t.close())

describe('the audit log page', () => {
  it('shows an owner every entry, newest first, with actor, IP, action and details', async () => {
    const owner = await as('owner')
    const page = await htmlOf(await owner.get('/audit'))
    expect(page).toContain('href="/audit"')
    const order = ['settings.privacy', 'message.send', 'consent.opt_out'].map((a) =>
      page.indexOf(`<code>${a}</code>`),
    )
    expect(order.every((at) => at > 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(page).toContain(ws.users.owner.email)
    expect(page).toContain(IP)
    expect(page).toContain('API key crm sync')
    expect(page).toContain('>system<')
    expect(page).toContain('contact c-111')
    expect(page).toContain('scope: messaging · reason: asked by phone')
    expect(page).toContain('retentionDays: 30')
    expect(page).toContain(`${DAY} 10:00:00`)
    expect(page).toContain('are in UTC.')
    expect(page).toContain('#3')
    expect(page).toContain('Check the chain now')
    expect(page).not.toContain('is intact')
    const chain = await htmlOf(await owner.get('/audit/chain', { 'hx-request': 'true' }))
    expect(chain).toMatch(
      /^<div id="chain-status">\s*<p class="ok" role="status">The chain of 3 entries is intact\.<\/p>/,
    )
  })

  it('links each record to its page under its name: contact, user and send', async () => {
    const linked = await seedWorkspace(t.deps, 'Audit links')
    const { workspaceId } = linked
    const contact = await contactWhoWrote(t, linked)
    const name = `Contact ${contact.phone.slice(-4)}`
    const content = { kind: 'text', text: 'We open at nine.' } as const
    const sendId = await queueThroughGate(t, linked, { contactId: contact.id, content })
    const sales = linked.users.sales
    const owner = linked.users.owner
    const actor: Actor = { workspaceId, kind: 'user', id: owner.id, name: 'Olga Owner', ip: IP }
    const events: AuditEvent[] = [
      { action: 'consent.opt_out', recordType: 'contact', recordId: contact.id },
      { action: 'user.role', recordType: 'user', recordId: sales.id },
      { action: 'message.send', recordType: 'send', recordId: sendId },
      { action: 'contact.name', recordType: 'contact', recordId: randomUUID() },
    ]
    await withTenant(t.deps.db, workspaceId, async (tx) => {
      for (const event of events) await recordAudit(tx, { actor, now: new Date() }, event)
    })
    const [conversation] = await withTenant(t.deps.db, workspaceId, (tx) =>
      tx.select({ id: conversations.id }).from(conversations),
    )
    const page = await htmlOf(await (await as('admin', linked)).get('/audit'))
    expect(page).toContain(`<a href="/contacts/${contact.id}">contact ${name}</a>`)
    expect(page).toContain('<a href="/users">user Audit links sales</a>')
    expect(page).toContain(`<a href="/conversations/${conversation?.id ?? ''}">send to ${name}</a>`)
    // A record that is gone keeps its id, without a link.
    expect(page).toMatch(/<td data-label="Record">contact [0-9a-f-]{36}<\/td>/)
    expect(page).toContain(`<a href="/users">Olga Owner</a>`)
  })

  it('narrows by action prefix and by date, and explains a bad filter with 422', async () => {
    const admin = await as('admin')
    const consent = await htmlOf(await admin.get('/audit?action=consent'))
    expect(consent).toContain('consent.opt_out')
    expect(consent).not.toContain('message.send')
    const sameDay = await htmlOf(await admin.get(`/audit?from=${DAY}&to=${DAY}`))
    expect(sameDay.match(/data-label="Time"/g)).toHaveLength(3)
    const later = await htmlOf(await admin.get('/audit?from=2026-03-03'))
    expect(later).not.toContain('consent.opt_out')
    expect(later).toContain('No entries match these filters.')
    expect(await htmlOf(await admin.get('/audit?from=someday'), 422)).toContain(
      'from must be a date',
    )
    expect(await htmlOf(await admin.get('/audit?before=-1'), 422)).toContain(
      'before must be an entry number',
    )
  })

  it('pages with "Older entries", keeping the filters', async () => {
    const busy = await seedWorkspace(t.deps, 'Audit paging')
    const { workspaceId } = busy
    const actor = systemActor(workspaceId, 'exports')
    await withTenant(t.deps.db, workspaceId, async (tx) => {
      for (let i = 0; i < 51; i++) {
        const now = new Date(Date.UTC(2026, 0, 1) + i * 1000)
        await recordAudit(tx, { actor, now }, { action: 'export.opt_outs' })
      }
    })
    const admin = await as('admin', busy)
    const first = await htmlOf(await admin.get('/audit?action=export'))
    expect(first.match(/data-label="Time"/g)).toHaveLength(50)
    const older = /href="([^"]+)" rel="next">Older entries/.exec(first)?.[1]
    expect(older).toBe('/audit?action=export&amp;before=2')
    const second = await htmlOf(await admin.get('/audit?action=export&before=2'))
    expect(second.match(/data-label="Time"/g)).toHaveLength(1)
    expect(second).toContain('#1<')
    expect(second).toContain('Newest entries')
    expect(second).not.toContain('Older entries')
  })

  it('says when nothing was recorded yet', async () => {
    const fresh = await seedWorkspace(t.deps, 'Audit empty')
    const owner = await as('owner', fresh)
    expect(await htmlOf(await owner.get('/audit'))).toContain('Nothing has been recorded yet.')
    const chain = await htmlOf(await owner.get('/audit/chain'))
    expect(chain).toContain('<title>Audit chain · Parley</title>')
    expect(chain).toContain('The chain of 0 entries is intact.')
  })

  it('is refused to sales and managers, and not in their navigation', async () => {
    for (const role of ['sales', 'manager'] as const) {
      const session = await as(role)
      expect((await session.get('/audit')).status).toBe(403)
      expect((await session.get('/audit/chain')).status).toBe(403)
      expect(await (await session.get('/')).text()).not.toContain('href="/audit"')
    }
  })
})

describe('a tampered audit chain', () => {
  it('shows the broken alert naming the edited entry, for that workspace only', async () => {
    const edited = await seedWorkspace(t.deps, 'Audit edited')
    const intact = await seedWorkspace(t.deps, 'Audit intact')
    await seedEntries(edited)
    await seedEntries(intact)
    await tamper(edited, 'edit')
    const owner = await as('owner', edited)
    expect(await htmlOf(await owner.get('/audit'))).toContain('x: 1')
    const page = await htmlOf(await owner.get('/audit/chain'))
    expect(page).toMatch(/class="alert" role="alert">The audit chain is broken at entry #2 \(/)
    const report = await verifyAuditChains(t.deps.db, edited.workspaceId)
    expect(report.broken).toEqual([{ workspaceId: edited.workspaceId, seq: 2, reason: 'edited' }])
    expect((await verifyAuditChains(t.deps.db, intact.workspaceId)).broken).toEqual([])
    const fine = await htmlOf(await (await as('owner', intact)).get('/audit/chain'))
    expect(fine).toContain('The chain of 3 entries is intact.')
  })

  it('reports a deleted entry as missing before the next one', async () => {
    const deleted = await seedWorkspace(t.deps, 'Audit deleted')
    await seedEntries(deleted)
    await tamper(deleted, 'delete')
    const report = await verifyAuditChains(t.deps.db, deleted.workspaceId)
    expect(report.broken).toEqual([
      { workspaceId: deleted.workspaceId, seq: 3, reason: 'missing_before' },
    ])
    const page = await htmlOf(await (await as('owner', deleted)).get('/audit/chain'))
    expect(page).toContain('The audit chain is broken at entry #3')
  })
})

describe('parley audit:verify', () => {
  it('exits 0 on an intact chain and 1 naming the entry when it is broken', async () => {
    const checked = await seedWorkspace(t.deps, 'Audit cli')
    await seedEntries(checked)
    const env = cliEnv({ DATABASE_URL: testDatabaseUrl() })
    const args = ['audit:verify', '--workspace', checked.workspaceId]
    const ok = await runCliHere(args, env)
    expect([ok.code, ok.stderr]).toEqual([0, ''])
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true, workspaces: 1, entries: 3 })
    await tamper(checked, 'edit')
    const broken = await runCliHere(args, env)
    expect(broken.code).toBe(1)
    expect(broken.stdout).toBe('')
    expect(broken.stderr.trim().split('\n')).toHaveLength(1)
    expect(broken.stderr).toContain(`workspace ${checked.workspaceId} at entry 2 (edited)`)
  })
})
