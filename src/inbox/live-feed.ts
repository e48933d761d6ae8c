import { sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import { withTenant, type Tx } from '../db/tenant.js'
import { listChangedConversations } from './inbox.repo.js'

/** A conversation that changed, and who it is assigned to (sales users hear only of theirs). */
export interface ConversationChange {
  readonly id: string
  readonly contactId: string
  readonly assigneeId: string | null
}

type Listener = (changes: readonly ConversationChange[]) => void

/** Tells open inboxes and threads which conversations changed, per workspace. */
export interface LiveFeed {
  /** Calls `listener` with each batch of changes; returns the unsubscribe. */
  subscribe(workspaceId: string, listener: Listener): () => void
}

// A transaction may commit a little after the time it stamped, so each poll looks back this far
// and skips what it already reported.
const LOOK_BACK_MS = 3000
const BATCH = 500

interface Watch {
  readonly listeners: Set<Listener>
  since: string | undefined
  reported: Map<string, string>
  timer: NodeJS.Timeout | undefined
}

/**
 * One poller per workspace with open streams, on the database itself, so changes made by any
 * instance (processing, sends, other agents) reach every instance's streams.
 */
export function createLiveFeed(deps: { db: Db; log: Logger; intervalMs?: number }): LiveFeed {
  const watches = new Map<string, Watch>()
  const intervalMs = deps.intervalMs ?? 1000

  const poll = async (workspaceId: string, watch: Watch) => {
    const changes = await withTenant(deps.db, workspaceId, (tx) => changesFor(tx, watch))
    if (changes.length > 0) for (const listener of watch.listeners) listener(changes)
  }

  const schedule = (workspaceId: string, watch: Watch) => {
    watch.timer = setTimeout(() => {
      poll(workspaceId, watch)
        .catch((error: unknown) => {
          deps.log.warn({ err: error, workspaceId }, 'live feed poll failed')
        })
        .finally(() => {
          if (watch.listeners.size > 0) schedule(workspaceId, watch)
        })
    }, intervalMs)
    watch.timer.unref()
  }

  return {
    subscribe(workspaceId, listener) {
      let watch = watches.get(workspaceId)
      if (!watch) {
        watch = { listeners: new Set(), since: undefined, reported: new Map(), timer: undefined }
        watches.set(workspaceId, watch)
        schedule(workspaceId, watch)
      }
      watch.listeners.add(listener)
      const own = watch
      return () => {
        own.listeners.delete(listener)
        if (own.listeners.size > 0) return
        clearTimeout(own.timer)
        watches.delete(workspaceId)
      }
    },
  }
}

async function changesFor(tx: Tx, watch: Watch) {
  if (watch.since === undefined) {
    const now = await tx.execute<{ now: string }>(
      sql`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as now`,
    )
    watch.since = now.rows[0]?.now
    return []
  }
  const from = new Date(Date.parse(watch.since) - LOOK_BACK_MS).toISOString()
  const rows = await listChangedConversations(tx, from, BATCH)
  const fresh = rows.filter((row) => watch.reported.get(row.id) !== row.changedAt)
  for (const row of fresh) watch.reported.set(row.id, row.changedAt ?? '')
  const newest = rows.at(-1)?.changedAt
  if (newest && newest > watch.since) watch.since = newest
  forgetOlderThan(watch, from)
  return fresh.map((row) => ({ id: row.id, contactId: row.contactId, assigneeId: row.assigneeId }))
}

function forgetOlderThan(watch: Watch, from: string) {
  for (const [id, changedAt] of watch.reported) {
    if (changedAt < from) watch.reported.delete(id)
  }
}
