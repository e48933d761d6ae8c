// The plans behind bench/inbox.ts's timings: each query recorded from the app's own use case
// (listInbox, loadThreadEntries) and explained in a tenant transaction, RLS included.
import type { Db } from '../../src/db/client.js'
import type { FieldCipher } from '../../src/crypto/field-cipher.js'
import type { Tx } from '../../src/db/tenant.js'
import type { Role } from '../../src/db/schema.js'
import type { InboxView } from '../../src/inbox/inbox.repo.js'
import { countInbox, listInbox } from '../../src/inbox/list-inbox.js'
import { loadThreadEntries } from '../../src/inbox/load-conversation.js'
import { captureStatement, explain, type RecordingDb } from './explain.js'
import type { SeededInbox, SeedUsers } from './inbox-seed.js'

interface PlanContext {
  readonly db: Db
  readonly recording: RecordingDb
  readonly cipher: FieldCipher
  readonly workspaceId: string
  readonly users: SeedUsers
  readonly seeded: SeededInbox
}

interface Plan {
  readonly title: string
  readonly work: (tx: Tx) => Promise<unknown>
  readonly matches: (query: string) => boolean
}

// The inbox list is the statement with the lateral last-message lookup.
const isInboxList = (query: string) => query.includes('last_message')
const isTabCounts = (query: string) => query.includes('count(*) filter')
const isNameLookup = (query: string) => query.includes('contacts_named')
const isThread = (query: string) =>
  query.includes('"unsupported_type"') && query.includes('from "messages"')

function plans(context: PlanContext): Plan[] {
  const { cipher, users, seeded, workspaceId } = context
  const inbox = (view: InboxView, role: Role, q?: string) => (tx: Tx) => {
    const viewer = { userId: role === 'sales' ? users.salesId : users.ownerId, role }
    // A sales number search is audited like the console's (the plan's transaction keeps it).
    const actor = { workspaceId, kind: 'user', id: viewer.userId, name: 'bench', ip: null } as const
    const searcher = { viewer, actor, now: new Date() }
    const query = { view, q, viewer, searcher, maskPhones: false, now: new Date(), timeZone: 'UTC' }
    return listInbox(tx, cipher, query)
  }
  const counts = (role: Role) => (tx: Tx) =>
    countInbox(tx, { userId: role === 'sales' ? users.salesId : users.ownerId, role })
  const look = { cipher, timeZone: 'UTC', sendingPaused: false }
  const phone = seeded.searchable[0]?.phone ?? ''
  return [
    { title: 'inbox list, view=all, owner', work: inbox('all', 'owner'), matches: isInboxList },
    {
      title: 'inbox list, view=all, sales (own + unassigned)',
      work: inbox('all', 'sales'),
      matches: isInboxList,
    },
    { title: 'inbox list, view=mine, sales', work: inbox('mine', 'sales'), matches: isInboxList },
    {
      title: 'inbox list, view=opted_out, owner',
      work: inbox('opted_out', 'owner'),
      matches: isInboxList,
    },
    { title: 'inbox tab counts, owner', work: counts('owner'), matches: isTabCounts },
    { title: 'inbox tab counts, sales', work: counts('sales'), matches: isTabCounts },
    {
      title: `thread, listLatestMessages (${seeded.longThread.phone})`,
      work: (tx) => loadThreadEntries(tx, look, seeded.longThread.contactId),
      matches: isThread,
    },
    {
      title: `search by number (phone_index), owner: ${phone}`,
      work: inbox('all', 'owner', phone),
      matches: isInboxList,
    },
    {
      // The lookup runs inside a security-definer function, so its own plan (a bitmap scan of
      // contacts_names_trgm_idx) does not show here: only its time does.
      title: `search by name, the contacts_named lookup: ${seeded.rareName}`,
      work: inbox('all', 'owner', seeded.rareName),
      matches: isNameLookup,
    },
    {
      title: `search by name, the list of the contacts found: ${seeded.rareName}`,
      work: inbox('all', 'owner', seeded.rareName),
      matches: isInboxList,
    },
  ]
}

/** Prints the inbox list's SQL once, then EXPLAIN (ANALYZE, BUFFERS) of each query that matters. */
export async function printPlans(context: PlanContext): Promise<void> {
  let first = true
  for (const plan of plans(context)) {
    const statement = await captureStatement(
      context.recording,
      context.workspaceId,
      plan.work,
      plan.matches,
    )
    if (first) {
      console.log(`\ninbox list SQL, as Drizzle sends it:\n${statement.query}`)
      first = false
    }
    console.log(`\n== ${plan.title}; params ${JSON.stringify(statement.params)}`)
    console.log(await explain(context.db, context.workspaceId, statement))
  }
}
