import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole, roleAtLeast } from '../http/roles.js'
import { formFields, hrefWith, isHtmx } from '../http/forms.js'
import { isAppError } from '../errors.js'
import { shouldMaskPhones } from '../contacts/contact-profile.js'
import { countInbox, listInbox } from './list-inbox.js'
import { emptyInboxOf, inboxTitle, unreadNews, viewLabelsFor, viewOf } from './inbox-rules.js'
import { loadSendingPause, pauseCauseOf } from '../workspaces/settings.js'
import { findConversation, type InboxView } from './inbox.repo.js'
import { listAssignableUsers } from './assignees.repo.js'
import { loadThreadEntries, openConversation } from './load-conversation.js'
import {
  loadConsentHistory,
  conversationLookOf,
  loadConversationPage,
  readConversation,
} from './conversation-page.js'
import { viewerOf } from './scope.js'
import { searcherOf } from '../contacts/number-search.js'
import { loadComposer, type ComposerFlash } from './composer.js'
import { sendReply } from './send-reply.js'
import { assignConversation } from './assign-conversation.js'
import { actingOf, consoleScopeOf } from '../http/actor.js'
import { streamInboxEvents } from './live-stream.js'
import type { LiveFeed } from './live-feed.js'

// The default view's tab first: for sales it is their own and the unassigned conversations.
const TAB_ORDER = ['all', 'mine', 'unassigned', 'opted_out'] as const satisfies readonly InboxView[]

async function renderInbox(c: Context<AppEnv>) {
  const viewer = viewerOf(c)
  const { q = '', cursor } = c.req.query()
  const view = viewOf(c.req.query('view'))
  const { deps } = c.var
  const { timeZone } = currentPrincipal(c)
  const { page, counts, sendingPause } = await c.var.tenant(async (tx) => {
    const maskPhones = await shouldMaskPhones(tx, currentPrincipal(c))
    const searcher = searcherOf(c)
    const query = { view, q, cursor, viewer, searcher, maskPhones, now: deps.now(), timeZone }
    return {
      page: await listInbox(tx, deps.cipher, query),
      counts: await countInbox(tx, viewer),
      sendingPause: await loadSendingPause(tx, currentPrincipal(c).workspaceId),
    }
  })
  const labels = viewLabelsFor(viewer)
  const views = TAB_ORDER.map((value) => ({
    value,
    label: labels[value],
    count: counts[value],
    href: hrefWith('/inbox', { view: value, q }),
    current: value === view,
  }))
  const empty = emptyInboxOf(view, counts)
  const emptyLink = empty.link && {
    ...empty.link,
    href: hrefWith('/inbox', { view: empty.link.view }),
  }
  const moreHref = page.nextCursor && hrefWith('/inbox', { view, q, cursor: page.nextCursor })
  const listHref = hrefWith('/inbox', { view, q })
  const paused = sendingPause && {
    cause: pauseCauseOf(sendingPause),
    canResume: roleAtLeast(viewer.role, 'admin'),
  }
  const news = unreadNews(
    counts.unread,
    page.items.find((item) => item.unread > 0),
  )
  const title = inboxTitle(counts.unread)
  // The list refreshes itself on live events: just the list then, the page on navigation.
  const fragment = isHtmx(c)
  const links = { moreHref, listHref, emptyLink }
  const data = { ...page, ...links, views, view, q, empty, paused, title, news, fragment }
  return c.html(c.var.render(fragment ? 'inbox/list' : 'inbox/index', data, { fragment }))
}

async function renderConversation(c: Context<AppEnv>, id: string, flash?: ComposerFlash) {
  const page = await c.var.tenant((tx) =>
    loadConversationPage(tx, consoleScopeOf(c), { id, flash }),
  )
  return c.html(c.var.render('inbox/conversation', page), flash?.error ? 422 : 200)
}

async function renderComposer(c: Context<AppEnv>, id: string, flash?: ComposerFlash) {
  const composer = await c.var.tenant(async (tx) => {
    const { contact } = await openConversation(tx, id, viewerOf(c))
    const { timeZone } = currentPrincipal(c)
    const options = { conversationId: id, now: c.var.deps.now(), timeZone, flash }
    return loadComposer(tx, contact, options)
  })
  return c.html(
    c.var.render('inbox/composer-body', { composer }, { fragment: true }),
    flash?.error ? 422 : 200,
  )
}

async function postReply(c: Context<AppEnv>, id: string, kick: () => void) {
  const fields = await formFields(c)
  try {
    const created = await c.var.tenant(async (tx) => {
      const { contact } = await openConversation(tx, id, viewerOf(c))
      return sendReply(tx, actingOf(c), { contactId: contact.id, fields })
    })
    if (created) kick()
  } catch (error) {
    if (!isAppError(error, 'validation_failed')) throw error
    const flash = { error: error.message, text: fields.text, templateId: fields.template, fields }
    return isHtmx(c) ? renderComposer(c, id, flash) : renderConversation(c, id, flash)
  }
  if (!isHtmx(c)) return c.redirect(`/conversations/${id}`, 303)
  // The thread shows the new message as "Sending…" on the stream's next event; tell it now.
  c.header('HX-Trigger', `conversation-${id}`)
  return renderComposer(c, id)
}

/** The inbox, threads, replies and assignment; `feed` drives the live updates. */
export function inboxConsole(options: { feed: LiveFeed; kickSending: () => void }) {
  return new Hono<AppEnv>()
    .get('/inbox', requireRole('sales'), (c) => renderInbox(c))
    .get('/inbox/events', requireRole('sales'), (c) => streamInboxEvents(c, options.feed))
    .get('/conversations/:id', requireRole('sales'), (c) =>
      renderConversation(c, c.req.param('id')),
    )
    .get('/conversations/:id/thread', requireRole('sales'), async (c) => {
      const conversationId = c.req.param('id')
      const entries = await c.var.tenant(async (tx) => {
        const { conversation, contact } = await openConversation(tx, conversationId, viewerOf(c))
        await readConversation(tx, consoleScopeOf(c), conversation)
        const { look } = await conversationLookOf(tx, consoleScopeOf(c))
        return loadThreadEntries(tx, look, contact.id)
      })
      return c.html(c.var.render('inbox/thread', { entries, conversationId }, { fragment: true }))
    })
    .get('/conversations/:id/consent', requireRole('sales'), async (c) => {
      const conversationId = c.req.param('id')
      const history = await c.var.tenant(async (tx) => {
        const { contact } = await openConversation(tx, conversationId, viewerOf(c))
        const { timeZone } = currentPrincipal(c)
        const look = { cipher: c.var.deps.cipher, timeZone }
        const recent = await loadConsentHistory(tx, look, contact.id)
        return { ...recent, conversationId, contactId: contact.id }
      })
      return c.html(c.var.render('inbox/consent-history', history, { fragment: true }))
    })
    .get('/conversations/:id/composer', requireRole('sales'), (c) =>
      renderComposer(c, c.req.param('id')),
    )
    .post('/conversations/:id/messages', requireRole('sales'), (c) =>
      postReply(c, c.req.param('id'), options.kickSending),
    )
    .post('/conversations/:id/assignment', requireRole('sales'), async (c) => {
      const id = c.req.param('id')
      const { assignee = '' } = await formFields(c)
      const assignment = await c.var.tenant(async (tx) => {
        const { conversation } = await openConversation(tx, id, viewerOf(c))
        await assignConversation(tx, actingOf(c), { conversation, assignee })
        const updated = await findConversation(tx, id)
        return {
          conversation: updated,
          users: await listAssignableUsers(tx),
          notice: 'Saved.',
        }
      })
      if (!isHtmx(c)) return c.redirect(`/conversations/${id}`, 303)
      return c.html(
        c.var.render(
          'inbox/assignment',
          { assignment, me: currentPrincipal(c).id },
          { fragment: true },
        ),
      )
    })
}
