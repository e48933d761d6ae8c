import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import { signedIn } from '../helpers/console-session.js'
import { fixtureFor, postWebhook } from '../helpers/webhooks.js'
import { withTenant } from '../../src/db/tenant.js'
import { consentEvents, contacts, type Role } from '../../src/db/schema.js'
import { processDueEvents } from '../../src/webhooks/process.js'

type Workspace = Awaited<ReturnType<typeof seedWorkspace>>
interface Sender {
  name: string
  waId: string
  body: string
}
interface TextWebhook {
  entry: {
    changes: {
      value: {
        contacts: { profile: { name: string }; wa_id: string; user_id?: string }[]
        messages: { from: string; from_user_id?: string; id: string; text: { body: string } }[]
      }
    }[]
  }[]
}

let t: TestApp
let ws: Workspace
let other: Workspace
let maya: string
let jonas: string
let stranger: string

// Characters that must survive a CSV export: a formula start, quotes and a comma.
const MAYA_NAME = '=Maya "Mo" Chen, Jr'
const MAYA_PHONE = '+16505551234'
const JONAS_PHONE = '+16505550077'
// The text fixture's timestamp (1776300037) is on this UTC day.
const FIXTURE_DAY = '2026-04-16'

// The text fixture, from another sender when asked, with its own body and message id.
async function deliverText(workspace: Workspace, sender: Sender): Promise<string> {
  const body = JSON.parse(fixtureFor('text', workspace.phoneNumberId)) as TextWebhook
  const value = body.entry[0]?.changes[0]?.value
  const [profile, message] = [value?.contacts[0], value?.messages[0]]
  if (!profile || !message) throw new Error('the text fixture changed shape')
  profile.profile.name = sender.name
  profile.wa_id = message.from = sender.waId
  delete profile.user_id
  delete message.from_user_id
  message.id = `wamid.${sender.waId}.${workspace.tag}`
  message.text.body = sender.body
  expect((await postWebhook(t, JSON.stringify(body))).status).toBe(200)
  await processDueEvents(t.jobDeps)
  return contactIdOf(workspace, sender.name)
}

async function contactIdOf(workspace: Workspace, name: string): Promise<string> {
  const [row] = await withTenant(t.deps.db, workspace.workspaceId, (tx) =>
    tx.select({ id: contacts.id }).from(contacts).where(eq(contacts.profileName, name)),
  )
  if (!row) throw new Error(`no contact named ${name}`)
  return row.id
}

async function consentOf(id: string, workspace = ws) {
  const [row] = await withTenant(t.deps.db, workspace.workspaceId, (tx) =>
    tx
      .select({ state: contacts.consentState, marketing: contacts.marketingState })
      .from(contacts)
      .where(eq(contacts.id, id)),
  )
  return row
}

function as(role: Role, workspace = ws) {
  return signedIn(t.app, workspace.users[role])
}

const htmlOf = async (response: Response, status = 200) => {
  expect(response.status).toBe(status)
  return response.text()
}

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Consent console')
  other = await seedWorkspace(t.deps, 'Consent other')
  maya = await deliverText(ws, { name: MAYA_NAME, waId: MAYA_PHONE.slice(1), body: 'STOP' })
  jonas = await deliverText(ws, { name: 'Jonas Weber', waId: JONAS_PHONE.slice(1), body: 'Hi' })
  stranger = await deliverText(other, { name: 'Stranger', waId: '16505550999', body: 'Hello' })
})
afterAll(() => t.close())

describe('the opt-out log page', () => {
  it("shows an owner the contact's STOP, and its filters narrow the list", async () => {
    const owner = await as('owner')
    const page = await htmlOf(await owner.get('/opt-outs'))
    expect(page).toContain('Opt-out log</a>')
    expect(page).toContain(MAYA_PHONE)
    expect(page).toContain('=Maya &quot;Mo&quot; Chen, Jr')
    expect(page).toContain('Keyword (STOP, START…)')
    expect(page).toContain('the contact')
    expect(page).toContain('subscribed → opted out')
    const day = `from=${FIXTURE_DAY}&to=${FIXTURE_DAY}`
    expect(await htmlOf(await owner.get(`/opt-outs?${day}&method=keyword`))).toContain(MAYA_PHONE)
    for (const excluded of ['method=manual', 'from=2026-04-17', 'to=2026-04-15']) {
      expect(await htmlOf(await owner.get(`/opt-outs?${excluded}`))).not.toContain(MAYA_PHONE)
    }
    const none = await htmlOf(await owner.get(`/opt-outs?${day}&method=api`))
    expect(none).toContain('No entries match these filters.')
  })

  it('says when nothing was logged yet, and explains a bad filter with 422', async () => {
    const fresh = await seedWorkspace(t.deps, 'Consent empty')
    const admin = await as('admin', fresh)
    expect(await htmlOf(await admin.get('/opt-outs'))).toContain(
      'No one has opted out or back in yet.',
    )
    const bad = await htmlOf(await admin.get('/opt-outs?from=yesterday'), 422)
    expect(bad).toContain('from must be a date')
  })

  it('pages with "Older entries", keeping the filters, and exports every entry', async () => {
    const busy = await seedWorkspace(t.deps, 'Consent paging')
    const contactId = await deliverText(busy, { name: 'Busy', waId: '16505550123', body: 'Hi' })
    // 51 entries by hand and 1000 late keyword repeats: a page and a half, two export pages.
    const entry = (i: number, method: 'manual' | 'keyword') => ({
      workspaceId: busy.workspaceId,
      contactId,
      scope: 'messaging' as const,
      method,
      reason: method === 'manual' ? `call ${i}` : null,
      previousState: 'opted_out',
      newState: 'opted_out',
      superseded: method === 'keyword',
      occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
    })
    const rows = Array.from({ length: 1051 }, (_, i) => entry(i, i < 51 ? 'manual' : 'keyword'))
    await withTenant(t.deps.db, busy.workspaceId, (tx) => tx.insert(consentEvents).values(rows))
    const admin = await as('admin', busy)
    const first = await htmlOf(await admin.get('/opt-outs?method=manual'))
    expect(first.match(/data-label="Time"/g)).toHaveLength(50)
    const older = /href="([^"]+)" rel="next">Older entries/.exec(first)?.[1]
    expect(older).toMatch(/^\/opt-outs\?method=manual&amp;cursor=/)
    const second = await htmlOf(await admin.get((older ?? '').replaceAll('&amp;', '&')))
    expect(second.match(/data-label="Time"/g)).toHaveLength(1)
    expect(second).toContain('call 0')
    expect(second).toContain('Newest entries')
    const repeats = await htmlOf(await admin.get('/opt-outs?method=keyword'))
    expect(repeats).toContain('superseded (older than the state in force)')
    const csv = await (await admin.get('/opt-outs.csv')).text()
    expect(csv.trimEnd().split('\r\n')).toHaveLength(1052)
  })

  it('is refused to sales and managers', async () => {
    for (const role of ['sales', 'manager'] as const) {
      const session = await as(role)
      expect((await session.get('/opt-outs')).status).toBe(403)
      expect((await session.get('/opt-outs.csv')).status).toBe(403)
      expect(await (await session.get('/')).text()).not.toContain('Opt-out log')
    }
  })
})

describe('the opt-out CSV export', () => {
  it('downloads the header and the STOP entry, quoted and defused', async () => {
    const owner = await as('owner')
    const response = await owner.get(`/opt-outs.csv?from=${FIXTURE_DAY}&to=${FIXTURE_DAY}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="opt-outs-${FIXTURE_DAY}-${FIXTURE_DAY}.csv"`,
    )
    const [header, row, ...rest] = (await response.text()).split('\r\n')
    expect(header).toMatch(/^occurred_at,recorded_at,contact_id,contact_name,contact_phone,/)
    expect(rest).toEqual([''])
    expect(row).toContain(`,${maya},"'=Maya ""Mo"" Chen, Jr",'${MAYA_PHONE},messaging,keyword,`)
    expect(row).toMatch(/,contact,,,subscribed,opted_out,no$/)
  })

  it('names an open-ended export after today', async () => {
    const owner = await as('owner')
    const response = await owner.get('/opt-outs.csv?method=keyword')
    const today = t.clock.now().toISOString().slice(0, 10)
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="opt-outs-start-${today}.csv"`,
    )
    expect((await response.text()).split('\r\n')).toHaveLength(3)
  })

  it('answers a bad filter with the 422 page instead of a file', async () => {
    const owner = await as('owner')
    const response = await owner.get('/opt-outs.csv?method=carrier-pigeon')
    expect(response.status).toBe(422)
    expect(response.headers.get('content-type')).toContain('text/html')
  })
})

describe('contacts in the console', () => {
  it('lists and searches the workspace contacts with their consent', async () => {
    const sales = await as('sales')
    const list = await htmlOf(await sales.get('/contacts'))
    expect(list).toContain(`href="/contacts/${jonas}"`)
    expect(list).toContain(MAYA_PHONE)
    expect(list).toContain('Opted out')
    expect(list).not.toContain('Stranger')
    const found = await htmlOf(await sales.get('/contacts?q=jonas&phone='))
    expect(found).toContain('Jonas Weber')
    expect(found).not.toContain(MAYA_PHONE)
    expect(await htmlOf(await sales.get('/contacts?phone=call+me'), 422)).toContain(
      'phone must be a number',
    )
  })

  it('lets sales opt a contact out with a reason, logged under their email', async () => {
    const sales = await as('sales')
    const page = await htmlOf(await sales.get(`/contacts/${jonas}`))
    expect(page).toContain('Subscribed')
    expect(page).toContain('>Opt out</button>')
    expect(page).not.toContain('Opt back in')
    const reason = 'Asked on the phone'
    const response = await sales.post(
      `/contacts/${jonas}/opt-out`,
      { scope: 'messaging', reason },
      { htmx: true },
    )
    const panel = await htmlOf(response)
    expect(panel).not.toContain('<html')
    expect(panel).toContain('Opted out of all messages.')
    expect(panel).toContain(ws.users.sales.email)
    expect(await consentOf(jonas)).toEqual({ state: 'opted_out', marketing: 'allowed' })
    const log = await htmlOf(await (await as('owner')).get('/opt-outs?method=manual'))
    expect(log).toContain(ws.users.sales.email)
    expect(log).toContain(reason)
  })

  it('refuses sales an opt-in with 403 and leaves the state', async () => {
    const sales = await as('sales')
    const response = await sales.post(`/contacts/${maya}/opt-in`, {
      scope: 'messaging',
      reason: 'I say so',
    })
    expect(response.status).toBe(403)
    expect((await consentOf(maya))?.state).toBe('opted_out')
  })

  it('lets an owner opt back in only with a reason', async () => {
    const owner = await as('owner')
    await owner.post(`/contacts/${jonas}/opt-out`, { scope: 'marketing' })
    const before = await consentOf(jonas)
    expect(before?.marketing).toBe('stopped')
    const refused = await owner.post(`/contacts/${jonas}/opt-in`, { scope: 'marketing' })
    expect(await htmlOf(refused, 422)).toContain('Opting a contact back in needs a reason')
    expect(await consentOf(jonas)).toEqual(before)
    const page = await owner.post(`/contacts/${jonas}/opt-in`, {
      scope: 'marketing',
      reason: 'Signed the form again',
    })
    const html = await htmlOf(page)
    expect(html).toContain('<html')
    expect(html).toContain('Marketing allowed again.')
    expect((await consentOf(jonas))?.marketing).toBe('allowed')
  })

  it("answers 404 for another workspace's contact and for ids that are not contacts", async () => {
    const owner = await as('owner')
    expect((await owner.get(`/contacts/${stranger}`)).status).toBe(404)
    expect((await owner.get('/contacts/not-a-uuid')).status).toBe(404)
    const response = await owner.post(`/contacts/${stranger}/opt-out`, { scope: 'messaging' })
    expect(response.status).toBe(404)
    expect((await consentOf(stranger, other))?.state).toBe('subscribed')
  })

  it('refuses a consent change without the CSRF token', async () => {
    const owner = await as('owner')
    const before = await consentOf(jonas)
    const response = await owner.post(
      `/contacts/${jonas}/opt-out`,
      { scope: 'marketing' },
      { csrf: false },
    )
    expect(response.status).toBe(403)
    expect(await consentOf(jonas)).toEqual(before)
  })
})
