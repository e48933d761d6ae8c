import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asc, eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace } from '../helpers/workspace.js'
import type { ConsoleSession } from '../helpers/console-session.js'
import { signedIn } from '../helpers/console-session.js'
import { inboundMessage, randomPhone, receive } from '../helpers/inbound.js'
import { deliverFixtures } from '../helpers/webhooks.js'
import { contactByPhone, setWorkspaceSettings } from '../helpers/sending.js'
import { withTenant, type Tx } from '../../src/db/tenant.js'
import {
  auditEntries,
  contactLabels,
  contactNotes,
  contacts,
  type Role,
} from '../../src/db/schema.js'
import { maskPhone } from '../../src/contacts/phone.js'

type Workspace = Awaited<ReturnType<typeof seedWorkspace>>
interface Contact {
  id: string
  phone: string
  profileName: string
}

let t: TestApp
let ws: Workspace
let other: Workspace

// A new contact of the workspace, made the way Meta makes them: an inbound message.
async function newContact(workspace = ws): Promise<Contact> {
  const phone = randomPhone()
  await receive(t, inboundMessage(workspace.phoneNumberId, { from: phone, text: 'Hi' }))
  const row = await contactByPhone(t, workspace.workspaceId, phone)
  return { id: row.id, phone: `+${phone}`, profileName: `Contact ${phone.slice(-4)}` }
}

function as(role: Role, workspace = ws) {
  return signedIn(t.app, workspace.users[role])
}

async function htmlOf(response: Response, status = 200) {
  expect(response.status).toBe(status)
  return response.text()
}

const tenant = <T>(workspace: Workspace, work: (tx: Tx) => Promise<T>) =>
  withTenant(t.deps.db, workspace.workspaceId, work)

async function customNameOf(id: string, workspace = ws) {
  const [row] = await tenant(workspace, (tx) =>
    tx.select({ name: contacts.customName }).from(contacts).where(eq(contacts.id, id)),
  )
  return row?.name
}

const notesOf = (id: string, workspace = ws) =>
  tenant(workspace, (tx) => tx.select().from(contactNotes).where(eq(contactNotes.contactId, id)))

async function labelsOf(id: string, workspace = ws) {
  const rows = await tenant(workspace, (tx) =>
    tx
      .select({ label: contactLabels.label })
      .from(contactLabels)
      .where(eq(contactLabels.contactId, id))
      .orderBy(asc(contactLabels.label)),
  )
  return rows.map((row) => row.label)
}

async function auditOf(id: string, workspace = ws) {
  const rows = await tenant(workspace, (tx) =>
    tx
      .select({
        action: auditEntries.action,
        details: auditEntries.details,
        actor: auditEntries.actorName,
      })
      .from(auditEntries)
      .where(eq(auditEntries.recordId, id))
      .orderBy(asc(auditEntries.seq)),
  )
  return rows
}

beforeAll(async () => {
  t = createTestApp()
  ws = await seedWorkspace(t.deps, 'Profile')
  other = await seedWorkspace(t.deps, 'Profile other')
})
afterAll(() => t.close())

describe('the contact panel on the contact page', () => {
  it('shows the number, the ad the contact came from, consent and the forms', async () => {
    const fresh = await seedWorkspace(t.deps, 'Profile referral')
    await deliverFixtures(t, fresh.phoneNumberId, 'text-with-referral')
    const { id } = await contactByPhone(t, fresh.workspaceId, '+5491155550123')
    const page = await htmlOf(await (await as('sales', fresh)).get(`/contacts/${id}`))
    expect(page).toContain('<section id="profile-panel"')
    expect(page).toContain('<h1>Tomás Álvarez</h1>')
    expect(page).toContain('+5491155550123')
    expect(page).toContain('href="https://fb.me/7kQp2Lm9"')
    expect(page).toContain('Escríbenos por WhatsApp</a>')
    expect(page).toContain('ad 120231447700000012 · <time datetime="')
    expect(page).toContain('Subscribed')
    expect(page).toContain('Internal: never sent to the contact')
    expect(page).toContain(`hx-post="/contacts/${id}/notes" hx-target="#profile-panel"`)
    expect(page).toContain('<section id="consent-panel"')
    expect(page.match(/name="_csrf" value="[^"]+"/g)?.length).toBeGreaterThanOrEqual(4)
  })
})

describe('renaming a contact', () => {
  it('shows the custom name everywhere and clears it back to the WhatsApp name', async () => {
    const contact = await newContact()
    const sales = await as('sales')
    const panel = await htmlOf(
      await sales.post(`/contacts/${contact.id}/name`, { name: '  Maya (VIP) ' }, { htmx: true }),
    )
    expect(panel).not.toContain('<html')
    expect(panel).toMatch(/^<section id="profile-panel"/)
    expect(panel).toContain('<span class="profile-name">Maya (VIP)</span>')
    expect(panel).toContain(`WhatsApp name: ${contact.profileName}`)
    expect(panel).toContain('Name saved.')
    expect(await customNameOf(contact.id)).toBe('Maya (VIP)')
    expect(await htmlOf(await sales.get('/contacts?q=vip'))).toContain('>Maya (VIP)</a>')
    const api = await t.app.request(`/api/v1/contacts/${contact.id}`, {
      headers: { authorization: `Bearer ${ws.keys.sales}` },
    })
    expect(await api.json()).toMatchObject({ name: contact.profileName, customName: 'Maya (VIP)' })

    const cleared = await sales.post(`/contacts/${contact.id}/name`, { name: '   ' })
    expect(cleared.status).toBe(303)
    expect(cleared.headers.get('location')).toBe(`/contacts/${contact.id}`)
    expect(await customNameOf(contact.id)).toBeNull()
    const page = await htmlOf(await sales.get(`/contacts/${contact.id}`))
    expect(page).toContain(`<h1>${contact.profileName}</h1>`)
    expect(page).not.toContain('Maya (VIP)')
    expect(await auditOf(contact.id)).toEqual([
      {
        action: 'contact.rename',
        details: { from: null, to: 'Maya (VIP)' },
        actor: ws.users.sales.email,
      },
      {
        action: 'contact.rename',
        details: { from: 'Maya (VIP)', to: null },
        actor: ws.users.sales.email,
      },
    ])
  })
})

describe('internal notes', () => {
  it('stores a note encrypted, shows it newest first with its author, audits only its id', async () => {
    const contact = await newContact()
    const manager = await as('manager')
    const first = 'Prefers calls after 5 pm <b>not</b> before'
    const second = 'Asked for the price list'
    expect((await manager.post(`/contacts/${contact.id}/notes`, { body: first })).status).toBe(303)
    const panel = await htmlOf(
      await manager.post(`/contacts/${contact.id}/notes`, { body: ` ${second}\n` }, { htmx: true }),
    )
    expect(panel).toContain('Note added.')
    expect(panel).toContain('Prefers calls after 5 pm &lt;b&gt;not&lt;/b&gt; before')
    expect(panel).toContain('Profile manager')
    expect(panel.indexOf(second)).toBeLessThan(panel.indexOf('Prefers calls'))

    const rows = await notesOf(contact.id)
    expect(rows).toHaveLength(2)
    for (const row of rows) {
      expect(row.bodyEnc).not.toContain('Prefers')
      expect(row.bodyEnc).not.toContain('price')
      expect(row.authorId).toBe(ws.users.manager.id)
      expect(row.authorName).toBe('Profile manager')
    }
    expect(rows.map((row) => t.deps.cipher.decrypt(row.bodyEnc)).sort()).toEqual([second, first])

    const audit = await auditOf(contact.id)
    expect(audit.map((entry) => entry.action)).toEqual(['contact.note', 'contact.note'])
    expect(audit.map((entry) => entry.details)).toEqual(
      expect.arrayContaining(rows.map((row) => ({ noteId: row.id }))),
    )
    expect(JSON.stringify(audit)).not.toMatch(/Prefers|price/)
  })
})

describe('labels', () => {
  it('folds a label, keeps a repeated one as one row and removes it', async () => {
    const contact = await newContact()
    const sales = await as('sales')
    const path = `/contacts/${contact.id}/labels`
    const panel = await htmlOf(await sales.post(path, { label: '  VIP  Lead ' }, { htmx: true }))
    expect(panel).toContain('<span class="badge">vip lead</span>')
    expect(panel).toContain('aria-label="Remove label vip lead"')
    expect((await sales.post(path, { label: 'vip lead' })).status).toBe(303)
    expect(await labelsOf(contact.id)).toEqual(['vip lead'])

    const removed = await htmlOf(
      await sales.post(`${path}/remove`, { label: 'vip lead' }, { htmx: true }),
    )
    expect(removed).toContain('Label removed.')
    expect(removed).not.toContain('Remove label vip lead')
    expect(await labelsOf(contact.id)).toEqual([])
    expect(await auditOf(contact.id)).toEqual([
      { action: 'contact.label_add', details: { label: 'vip lead' }, actor: ws.users.sales.email },
      {
        action: 'contact.label_remove',
        details: { label: 'vip lead' },
        actor: ws.users.sales.email,
      },
    ])
  })

  it('refuses a 21st label with 422 but still accepts one the contact has', async () => {
    const contact = await newContact()
    const existing = Array.from({ length: 19 }, (_, i) => `label ${String(i).padStart(2, '0')}`)
    await tenant(ws, (tx) =>
      tx
        .insert(contactLabels)
        .values(
          existing.map((label) => ({ workspaceId: ws.workspaceId, contactId: contact.id, label })),
        ),
    )
    const sales = await as('sales')
    const path = `/contacts/${contact.id}/labels`
    expect((await sales.post(path, { label: 'twentieth' }, { htmx: true })).status).toBe(200)
    const refused = await htmlOf(await sales.post(path, { label: 'One More' }, { htmx: true }), 422)
    expect(refused).toContain('A contact can have at most 20 labels: remove one first.')
    expect(refused).toContain('value="One More"')
    expect(await labelsOf(contact.id)).toHaveLength(20)
    expect(await labelsOf(contact.id)).not.toContain('one more')
    expect((await sales.post(path, { label: 'Label 03' }, { htmx: true })).status).toBe(200)
    expect(await labelsOf(contact.id)).toHaveLength(20)
    expect((await auditOf(contact.id)).map((entry) => entry.action)).toEqual(['contact.label_add'])
  })
})

describe('refused changes', () => {
  it('answers a bad value with 422, the problem and what was typed, and writes nothing', async () => {
    const contact = await newContact()
    const sales = await as('sales')
    const long = 'x'.repeat(101)
    const name = await htmlOf(
      await sales.post(`/contacts/${contact.id}/name`, { name: long }, { htmx: true }),
      422,
    )
    expect(name).not.toContain('<html')
    expect(name).toContain('The name is too long: at most 100 characters.')
    expect(name).toContain(`value="${long}"`)
    const note = await htmlOf(await sales.post(`/contacts/${contact.id}/notes`, { body: ' ' }), 422)
    expect(note).toContain('<html')
    expect(note).toContain('Write something before adding the note.')
    expect(note).toContain('<section id="consent-panel"')
    const label = await htmlOf(
      await sales.post(`/contacts/${contact.id}/labels`, { label: 'vip!' }, { htmx: true }),
      422,
    )
    expect(label).toContain('A label may hold only letters, digits, spaces, - and _.')
    expect(label).toContain('value="vip!"')
    expect(await customNameOf(contact.id)).toBeNull()
    expect(await notesOf(contact.id)).toEqual([])
    expect(await labelsOf(contact.id)).toEqual([])
    expect(await auditOf(contact.id)).toEqual([])
  })

  it('refuses a change without the CSRF token', async () => {
    const contact = await newContact()
    const owner = await as('owner')
    const posts = [
      ['name', { name: 'Sneaky' }],
      ['notes', { body: 'Sneaky' }],
      ['labels', { label: 'sneaky' }],
    ] as const
    for (const [path, fields] of posts) {
      const response = await owner.post(`/contacts/${contact.id}/${path}`, fields, { csrf: false })
      expect(response.status).toBe(403)
    }
    expect(await customNameOf(contact.id)).toBeNull()
    expect(await notesOf(contact.id)).toEqual([])
    expect(await labelsOf(contact.id)).toEqual([])
  })

  it("answers 404 for another workspace's contact and for ids that are not contacts", async () => {
    const stranger = await newContact(other)
    await tenant(other, (tx) =>
      tx
        .insert(contactLabels)
        .values({ workspaceId: other.workspaceId, contactId: stranger.id, label: 'theirs' }),
    )
    const owner = await as('owner')
    const posts = [
      ['name', { name: 'Mine now' }],
      ['notes', { body: 'Peeking' }],
      ['labels', { label: 'mine' }],
      ['labels/remove', { label: 'theirs' }],
    ] as const
    for (const [path, fields] of posts) {
      for (const id of [stranger.id, 'not-a-uuid']) {
        const plain = await owner.post(`/contacts/${id}/${path}`, fields)
        expect(plain.status).toBe(404)
        expect((await owner.post(`/contacts/${id}/${path}`, fields, { htmx: true })).status).toBe(
          404,
        )
      }
    }
    // A refused value for a missing contact is still "not found", not a form error.
    expect((await owner.post(`/contacts/${stranger.id}/notes`, { body: '' })).status).toBe(404)
    expect(await customNameOf(stranger.id, other)).toBeNull()
    expect(await notesOf(stranger.id, other)).toEqual([])
    expect(await labelsOf(stranger.id, other)).toEqual(['theirs'])
    expect(await auditOf(stranger.id, other)).toEqual([])
    expect(await auditOf(stranger.id)).toEqual([])
  })
})

describe('masked phone numbers', () => {
  it('hides the middle of numbers from sales when the workspace says so, never from managers', async () => {
    const masking = await seedWorkspace(t.deps, 'Profile masking')
    const contact = await newContact(masking)
    const masked = maskPhone(contact.phone)
    expect(masked).not.toBe(contact.phone)
    const sales = await as('sales', masking)
    const manager = await as('manager', masking)
    // The contact page, the contact list and the panel fragment an htmx form gets back.
    const pages = async (session: ConsoleSession) => [
      await htmlOf(await session.get(`/contacts/${contact.id}`)),
      await htmlOf(await session.get('/contacts')),
      await htmlOf(
        await session.post(`/contacts/${contact.id}/labels`, { label: 'seen' }, { htmx: true }),
      ),
    ]

    for (const html of await pages(sales)) {
      expect(html).toContain(contact.phone)
      expect(html).not.toContain(masked)
    }
    await setWorkspaceSettings(t, masking.workspaceId, { inbox: { maskPhonesForSales: true } })
    for (const html of await pages(sales)) {
      expect(html).toContain(masked)
      expect(html).not.toContain(contact.phone)
      expect(html).not.toContain(contact.phone.slice(1))
    }
    for (const html of await pages(manager)) {
      expect(html).toContain(contact.phone)
      expect(html).not.toContain(masked)
    }
  })
})
