// Seeding for bench/inbox.ts: one workspace's contacts (numbers encrypted and blind-indexed like
// the app does), their messages over the last 90 days and their conversations, inserted in bulk
// through the owner pool (no RLS), a batch of contacts at a time.
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import type { FieldCipher } from '../../src/crypto/field-cipher.js'
import { FIRST_NAMES, LAST_NAMES, OPENERS, REGIONS, TAILS } from './inbox-words.js'

const DAY_MS = 86_400_000
/** The most messages one ordinary contact gets (the long thread aside). */
export const MAX_PER_CONTACT = 40
const CONTACT_BATCH = 10_000
// About 10 messages per contact: ~40 000 message rows per insert.
const MESSAGE_BATCH_CONTACTS = 4_000
/** How many messages the one long conversation has (the thread shows the latest 200). */
export const LONG_THREAD_MESSAGES = 240

/** A seeded contact the bench needs again: its number in clear and its ids. */
export interface SeededContact {
  readonly contactId: string
  readonly phone: string
}

/** What seedInbox made that the timings need. */
export interface SeededInbox {
  /** The contact with LONG_THREAD_MESSAGES messages. */
  readonly longThread: SeededContact
  /** Contacts to search for by number (not the long thread). */
  readonly searchable: SeededContact[]
  /** A custom name exactly one contact has, for the name search. */
  readonly rareName: string
  readonly contacts: number
  readonly messages: number
}

interface PlannedContact {
  id: string
  ord: number
  phone: string
  messages: number
  firstAt: Date
  lastAt: Date
  assigneeId: string | null
  unread: number
  optedOut: boolean
  customName: string | null
}

/** Who conversations may be assigned to. */
export interface SeedUsers {
  readonly ownerId: string
  readonly salesId: string
}

function pick<T>(items: readonly T[], n: number): T {
  const item = items[n % items.length]
  if (item === undefined) throw new Error('pick from an empty list')
  return item
}

function phoneOf(ord: number): string {
  const region = pick(REGIONS, ord)
  const national = region.prefix + String(ord).padStart(region.digits - region.prefix.length, '0')
  return `+${region.code}${national}`
}

// Counts of 1 to 19 messages (most conversations are short), then nudged to the exact total.
function messageCounts(contacts: number, total: number): number[] {
  const counts = Array.from({ length: contacts }, () => 1 + Math.floor(Math.random() * 19))
  counts[0] = LONG_THREAD_MESSAGES
  let missing = total - counts.reduce((a, b) => a + b, 0)
  while (missing !== 0) {
    const i = 1 + Math.floor(Math.random() * (contacts - 1))
    const next = (counts[i] ?? 1) + Math.sign(missing)
    if (next < 1 || next > MAX_PER_CONTACT) continue
    counts[i] = next
    missing -= Math.sign(missing)
  }
  return counts
}

function planContacts(total: number, messages: number, users: SeedUsers, now: number) {
  const counts = messageCounts(total, messages)
  const oldest = now - 90 * DAY_MS
  return counts.map((n, ord): PlannedContact => {
    // Recent conversations are denser, as in a working inbox.
    const lastAt = ord === 0 ? now - 120_000 : now - 90 * DAY_MS * Math.random() ** 2
    const span = ord === 0 ? 60 * DAY_MS : n * (600_000 + Math.random() * 2 * DAY_MS)
    const roll = Math.random()
    return {
      id: randomUUID(),
      ord,
      phone: phoneOf(ord),
      messages: n,
      firstAt: new Date(Math.max(oldest, lastAt - span)),
      lastAt: new Date(lastAt),
      assigneeId:
        ord === 0 ? null : roll < 0.25 ? users.salesId : roll < 0.4 ? users.ownerId : null,
      unread: ord === 0 || Math.random() < 0.15 ? 1 + Math.floor(Math.random() * 3) : 0,
      optedOut: ord !== 0 && Math.random() < 0.03,
      customName: ord !== 0 && Math.random() < 0.1 ? `${pick(LAST_NAMES, ord * 7)} (lead)` : null,
    }
  })
}

async function insertContacts(
  pool: pg.Pool,
  cipher: FieldCipher,
  workspaceId: string,
  batch: PlannedContact[],
) {
  await pool.query(
    `insert into contacts (id, workspace_id, phone_enc, phone_index, profile_name, custom_name,
       consent_state, consent_at, created_at, updated_at)
     select id, $1, phone_enc, phone_index, profile_name, custom_name,
       case when opted_out then 'opted_out' else 'subscribed' end,
       case when opted_out then last_at end, first_at, last_at
     from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[],
       $8::timestamptz[], $9::timestamptz[])
       as t(id, phone_enc, phone_index, profile_name, custom_name, opted_out, first_at, last_at)`,
    [
      workspaceId,
      batch.map((c) => c.id),
      batch.map((c) => cipher.encrypt(c.phone)),
      batch.map((c) => cipher.blindIndex(c.phone)),
      batch.map((c) => `${pick(FIRST_NAMES, c.ord * 31)} ${pick(LAST_NAMES, c.ord * 17 + 3)}`),
      batch.map((c) => c.customName),
      batch.map((c) => c.optedOut),
      batch.map((c) => c.firstAt),
      batch.map((c) => c.lastAt),
    ],
  )
}

// A pseudo-random number in [0, 1) per message and purpose, so the choices below are per row.
const roll = (k: number) =>
  `((hashint8((c.ord::bigint * 1024 + g.i) * 8 + ${k}) & 2147483647)::float8 / 2147483648)`

// Messages evenly spread between a contact's first and last time, the last exactly at last_at;
// ~55 % inbound, 4 % pictures, 5 % replies quoting the previous message, a few failed sends.
const INSERT_MESSAGES = `
  insert into messages (workspace_id, contact_id, direction, wamid, type, sent_at, text_enc,
    context_wamid, media_id, media_mime_type, media_state, media_path, status, status_at,
    failure, created_at)
  select $1, id, direction, wamid, type, sent_at,
    case when type = 'text' then ($2::text[])[1 + floor(r_text * array_length($2::text[], 1))::int] end,
    case when i > 1 and r_reply < 0.05 then 'wamid.bench.' || ord || '.' || (i - 1) end,
    case when type = 'image' then 'media-' || ord || '-' || i end,
    case when type = 'image' then 'image/jpeg' end,
    case when type = 'image' then 'stored' end,
    case when type = 'image' then 'media/bench/' || ord || '-' || i || '.jpg' end,
    status, sent_at,
    case when status = 'failed' then '{"code":131049,"title":"Healthy ecosystem engagement"}'::jsonb end,
    sent_at + interval '1 second'
  from (
    select c.id, c.ord, g.i, 'wamid.bench.' || c.ord || '.' || g.i as wamid,
      case when g.i = c.n then c.last_at
        else c.first_at + (c.last_at - c.first_at) * ((g.i - 1)::float8 / greatest(c.n - 1, 1)) end
        as sent_at,
      case when ${roll(0)} < 0.55 then 'inbound' else 'outbound' end as direction,
      case when ${roll(1)} < 0.04 then 'image' else 'text' end as type,
      case when ${roll(0)} < 0.55 then 'received'
        when ${roll(2)} < 0.6 then 'read' when ${roll(2)} < 0.85 then 'delivered'
        when ${roll(2)} < 0.97 then 'sent' else 'failed' end as status,
      ${roll(3)} as r_text, ${roll(4)} as r_reply
    from unnest($3::uuid[], $4::int[], $5::int[], $6::timestamptz[], $7::timestamptz[])
      as c(id, ord, n, first_at, last_at)
    cross join lateral generate_series(1, c.n) as g(i)
  ) m`

// last_message_at is the contact's latest message, read back from what was just inserted.
const INSERT_CONVERSATIONS = `
  insert into conversations (workspace_id, contact_id, assignee_id, assigned_at, last_message_at,
    unread_count, changed_at, created_at)
  select $1, c.id, c.assignee, case when c.assignee is not null then m.first_at end, m.last_at,
    case when m.last_direction = 'inbound' then c.unread else 0 end, m.last_at, m.first_at
  from unnest($2::uuid[], $3::uuid[], $4::int[]) as c(id, assignee, unread)
  cross join lateral (
    select max(sent_at) as last_at, min(sent_at) as first_at,
      (array_agg(direction order by sent_at desc))[1] as last_direction
    from messages where contact_id = c.id) m`

const UPDATE_LAST_INBOUND = `
  update contacts c set last_inbound_at = x.at
  from (select contact_id, max(sent_at) as at from messages
        where contact_id = any($1::uuid[]) and direction = 'inbound' group by contact_id) x
  where c.id = x.contact_id`

async function insertMessages(
  pool: pg.Pool,
  workspaceId: string,
  texts: string[],
  batch: PlannedContact[],
) {
  await pool.query(INSERT_MESSAGES, [
    workspaceId,
    texts,
    batch.map((c) => c.id),
    batch.map((c) => c.ord),
    batch.map((c) => c.messages),
    batch.map((c) => c.firstAt),
    batch.map((c) => c.lastAt),
  ])
  await pool.query(INSERT_CONVERSATIONS, [
    workspaceId,
    batch.map((c) => c.id),
    batch.map((c) => c.assigneeId),
    batch.map((c) => c.unread),
  ])
  await pool.query(UPDATE_LAST_INBOUND, [batch.map((c) => c.id)])
}

// A few hundred distinct texts, encrypted once; messages reuse their ciphertexts.
function encryptedTexts(cipher: FieldCipher): string[] {
  return OPENERS.flatMap((opener) => TAILS.map((tail) => cipher.encrypt(opener + tail)))
}

function slices<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Seeds the workspace's inbox: `contacts` contacts and `messages` messages, then VACUUM ANALYZE and CHECKPOINT. */
export async function seedInbox(
  pool: pg.Pool,
  cipher: FieldCipher,
  options: { workspaceId: string; users: SeedUsers; contacts: number; messages: number },
): Promise<SeededInbox> {
  const { workspaceId } = options
  const planned = planContacts(options.contacts, options.messages, options.users, Date.now())
  const rare = planned[Math.floor(planned.length / 2)]
  if (!rare) throw new Error('too few contacts to seed')
  rare.customName = 'Zebulon Quartermaine'
  for (const batch of slices(planned, CONTACT_BATCH)) {
    await insertContacts(pool, cipher, workspaceId, batch)
  }
  const texts = encryptedTexts(cipher)
  for (const batch of slices(planned, MESSAGE_BATCH_CONTACTS)) {
    await insertMessages(pool, workspaceId, texts, batch)
  }
  // A settled database: statistics current and the visibility map set, as autovacuum leaves it.
  await pool.query('vacuum (analyze) contacts, messages, conversations')
  // The bulk load's dirty pages are written now, not by a checkpoint in the middle of a timing.
  await pool.query('checkpoint')
  const [long, ...others] = planned
  if (!long) throw new Error('no contacts seeded')
  const step = Math.max(1, Math.floor(others.length / 300))
  return {
    longThread: { contactId: long.id, phone: long.phone },
    searchable: others
      .filter((_, i) => i % step === 0)
      .map((c) => ({ contactId: c.id, phone: c.phone })),
    rareName: 'Quartermaine',
    contacts: planned.length,
    messages: planned.reduce((sum, c) => sum + c.messages, 0),
  }
}
