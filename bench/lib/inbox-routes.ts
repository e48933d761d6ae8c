// The console routes bench/inbox.ts times, with what each answer must contain. The expected
// conversations are read from the database with plain SQL (owner pool), not through the app.
import type pg from 'pg'
import type { ConsoleSession } from '../../tests/helpers/console-session.js'
import type { SeededInbox } from './inbox-seed.js'
import type { TimedRoute } from './request-timings.js'

const INBOX_PAGE = 50
const THREAD_LENGTH = 200

/** What the right answers are, read from the seeded rows. */
export interface Expected {
  readonly topAll: string
  readonly topSalesVisible: string
  readonly topSalesOwn: string
  readonly topOptedOut: string
  readonly longConversation: string
  readonly longLatestMessage: string
  readonly rareConversation: string
  /** Each searchable contact's number and conversation id. */
  readonly searches: { phone: string; conversationId: string }[]
}

async function one(pool: pg.Pool, text: string, values: unknown[] = []): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(text, values)
  const id = rows[0]?.id
  if (!id) throw new Error(`no row for: ${text}`)
  return id
}

const TOP = `select c.id from conversations c join contacts ct on ct.id = c.contact_id
  where %s order by c.last_message_at desc, c.id desc limit 1`

/** The conversations each route must show first, found with plain SQL. */
export async function readExpected(
  pool: pg.Pool,
  seeded: SeededInbox,
  users: { salesId: string },
): Promise<Expected> {
  const top = (where: string, values: unknown[] = []) => one(pool, TOP.replace('%s', where), values)
  const { rows } = await pool.query<{ id: string; contact_id: string }>(
    'select id, contact_id from conversations where contact_id = any($1::uuid[])',
    [seeded.searchable.map((s) => s.contactId)],
  )
  const byContact = new Map(rows.map((row) => [row.contact_id, row.id]))
  return {
    topAll: await top('true'),
    topSalesVisible: await top('(c.assignee_id = $1 or c.assignee_id is null)', [users.salesId]),
    topSalesOwn: await top('c.assignee_id = $1', [users.salesId]),
    topOptedOut: await top(`ct.consent_state = 'opted_out'`),
    longConversation: await top('c.contact_id = $1', [seeded.longThread.contactId]),
    longLatestMessage: await one(
      pool,
      `select id from messages where contact_id = $1
        order by sent_at desc, created_at desc, id desc limit 1`,
      [seeded.longThread.contactId],
    ),
    rareConversation: await top('ct.custom_name like $1', [`%${seeded.rareName}%`]),
    searches: seeded.searchable.map((s) => ({
      phone: s.phone,
      conversationId: byContact.get(s.contactId) ?? 'missing',
    })),
  }
}

function rowIds(body: string): string[] {
  return [...body.matchAll(/id="inbox-([0-9a-f-]{36})"/g)].map((m) => m[1] ?? '')
}

// A list answer must start with the expected conversation and hold a full page (or exactly `rows`).
function listCheck(first: string, rows = INBOX_PAGE, extra?: (body: string) => string | undefined) {
  return (body: string) => {
    const ids = rowIds(body)
    if (ids[0] !== first) return `first row ${ids[0] ?? 'none'}, expected ${first}`
    if (ids.length !== rows) return `${ids.length} rows, expected ${rows}`
    return extra?.(body)
  }
}

function threadCheck(latestMessage: string) {
  return (body: string) => {
    const shown = body.split('class="msg msg-').length - 1
    if (shown !== THREAD_LENGTH) return `${shown} messages, expected ${THREAD_LENGTH}`
    return body.includes(`id="m-${latestMessage}"`) ? undefined : 'latest message missing'
  }
}

// Numbers typed the ways agents paste them: E.164, bare digits, spaced, dashed.
function typed(phone: string, i: number): string {
  const digits = phone.slice(1)
  const formats = [
    phone,
    digits,
    `+${digits.slice(0, 2)} ${digits.slice(2, 7)} ${digits.slice(7)}`,
    `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`,
  ]
  return formats[i % formats.length] ?? phone
}

/** The timed routes, in order: inbox lists, the long thread, and the searches. */
export function inboxRoutes(options: {
  owner: ConsoleSession
  sales: ConsoleSession
  pool: pg.Pool
  expected: Expected
  ownerName: string
  rareName: string
}): TimedRoute[] {
  const { owner, sales, expected, pool } = options
  const conversation = `/conversations/${expected.longConversation}`
  // Opening a conversation clears its unread count: make it unread again, untimed, so every
  // timed open does the real work (the UPDATE, the workspace settings, the mark-read job).
  const makeUnread = async () => {
    await pool.query('update conversations set unread_count = 2 where id = $1', [
      expected.longConversation,
    ])
  }
  const searchOf = (i: number) => expected.searches[i % expected.searches.length]
  return [
    {
      label: 'GET /inbox?view=all (owner)',
      request: () => owner.get('/inbox?view=all'),
      check: listCheck(expected.topAll),
    },
    {
      label: 'GET /inbox?view=all (sales: own + unassigned)',
      request: () => sales.get('/inbox?view=all'),
      check: listCheck(expected.topSalesVisible, INBOX_PAGE, (body) =>
        body.includes(`Assigned to ${options.ownerName}`) ? 'shows the owner’s rows' : undefined,
      ),
    },
    {
      label: 'GET /inbox (sales: default view, own + unassigned)',
      request: () => sales.get('/inbox'),
      check: listCheck(expected.topSalesVisible),
    },
    {
      label: 'GET /inbox?view=mine (sales)',
      request: () => sales.get('/inbox?view=mine'),
      check: listCheck(expected.topSalesOwn),
    },
    {
      label: 'GET /inbox?view=opted_out (owner)',
      request: () => owner.get('/inbox?view=opted_out'),
      check: listCheck(expected.topOptedOut, INBOX_PAGE, (body) =>
        body.split('badge-opted-out').length - 1 === INBOX_PAGE ? undefined : 'not all opted out',
      ),
    },
    {
      label: `GET /conversations/:id (${THREAD_LENGTH} of the thread, unread)`,
      before: makeUnread,
      request: () => owner.get(conversation),
      check: threadCheck(expected.longLatestMessage),
    },
    {
      label: 'GET /conversations/:id/thread (fragment, unread)',
      before: makeUnread,
      request: () => owner.get(`${conversation}/thread`, { 'hx-request': 'true' }),
      check: threadCheck(expected.longLatestMessage),
    },
    {
      label: 'GET /inbox?view=all&q=<number> (owner)',
      request: (i) =>
        owner.get(`/inbox?view=all&q=${encodeURIComponent(typed(searchOf(i)?.phone ?? '', i))}`),
      check: (body, i) => listCheck(searchOf(i)?.conversationId ?? 'missing', 1)(body),
    },
    {
      label: `GET /inbox?view=all&q=${options.rareName} (owner, name)`,
      request: () => owner.get(`/inbox?view=all&q=${options.rareName}`),
      check: listCheck(expected.rareConversation, 1),
    },
  ]
}
