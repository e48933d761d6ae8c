import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal } from '../http/roles.js'
import { mayOpen } from './inbox-rules.js'
import type { ConversationChange, LiveFeed } from './live-feed.js'

// A stream ends after a while and the browser reconnects: the session is checked again then.
const STREAM_LIFE_MS = 5 * 60_000
const HEARTBEAT_MS = 25_000

/**
 * Server-sent events for an open inbox or thread: `resync` when the stream (re)connects, then
 * `inbox`, and `conversation-<id>` and `contact-<id>` for conversations this user may see. The events
 * carry no data; the page fetches what changed, with the user's own rights.
 */
export function streamInboxEvents(c: Context<AppEnv>, feed: LiveFeed) {
  const principal = currentPrincipal(c)
  const viewer = { userId: principal.id, role: principal.role }
  return streamSSE(c, async (stream) => {
    let queue = Promise.resolve()
    // Writes go one after another; a write to a closed stream is dropped with it.
    const write = (work: () => Promise<unknown>) => {
      queue = queue.then(work).then(
        () => undefined,
        () => undefined,
      )
    }
    const send = (event: string) => {
      write(() => stream.writeSSE({ event, data: '' }))
    }
    const onChange = (changes: readonly ConversationChange[]) => {
      // Any change may add or remove a row of this user's list; threads hear only of their own.
      send('inbox')
      for (const change of changes) {
        if (!mayOpen(viewer, change.assigneeId)) continue
        send(`conversation-${change.id}`)
        send(`contact-${change.contactId}`)
      }
    }
    const unsubscribe = feed.subscribe(principal.workspaceId, onChange)
    stream.onAbort(unsubscribe)
    send('resync')
    const ends = Date.now() + STREAM_LIFE_MS
    while (!stream.aborted && Date.now() < ends) {
      await stream.sleep(HEARTBEAT_MS)
      // A comment line: keeps proxies from closing an idle stream, triggers nothing.
      write(() => stream.write(': heartbeat\n\n'))
    }
    unsubscribe()
    await queue
  })
}
