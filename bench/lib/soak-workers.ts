// The soak's kinds of user, each a loop until the deadline: Meta delivering webhooks, an
// integration calling the API, an agent in the console, and an open live stream.
import { randomBytes, randomInt } from 'node:crypto'
import type { ParleyApp } from '../../src/app.js'
import { ConsoleSession } from '../../tests/helpers/console-session.js'
import type { ParleyServer } from './parley-server.js'
import type { SignedEvent } from './payloads.js'
import { sleep } from './processes.js'
import type { Tally } from './soak-tally.js'

interface Worker {
  server: ParleyServer
  tally: Tally
  until: number
}

/** Calls, records the status (or the network error) and returns the body text, if any. */
async function timed(
  tally: Tally,
  route: string,
  expected: number[],
  call: () => Promise<Response>,
): Promise<string | undefined> {
  const started = performance.now()
  try {
    const response = await call()
    const text = await response.text()
    return tally.record(route, response.status, started, expected) ? text : undefined
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause
    tally.record(route, cause?.code ?? (error as Error).name, started, expected)
    return undefined
  }
}

/** A console visitor over real HTTP: the tests' cookie-keeping session, pointed at the server. */
function browserSession(server: ParleyServer, ip: string): ConsoleSession {
  const overHttp = {
    request: (path: string, init?: RequestInit) => fetch(`${server.baseUrl}${path}`, init),
  }
  // ConsoleSession only calls request(); the HTTP server answers it as the app would.
  return new ConsoleSession(overHttp as unknown as ParleyApp, ip)
}

function conversationIds(page: string | undefined): string[] {
  return [...(page ?? '').matchAll(/href="\/conversations\/([0-9a-f-]{36})"/g)].flatMap((m) =>
    m[1] ? [m[1]] : [],
  )
}

function pick<T>(items: T[]): T | undefined {
  return items.length === 0 ? undefined : items[randomInt(items.length)]
}

/** Meta: one signed inbound message after another. */
export async function webhookWorker(options: Worker & { events: { next(): SignedEvent } }) {
  const { server, tally, until, events } = options
  while (Date.now() < until) {
    const event = events.next()
    await timed(tally, 'POST /webhooks/whatsapp', [200], () =>
      fetch(server.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': event.signature },
        body: event.body,
      }),
    )
    await sleep(40)
  }
}

/** An integration: lists contacts, reads and sends messages, opts people out and back in. */
export async function apiWorker(options: Worker & { key: string }) {
  const { server, tally, until, key } = options
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${server.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    })
  for (let round = 0; Date.now() < until; round++) {
    const list = await timed(tally, 'GET /api/v1/contacts', [200], () => call('/contacts?limit=50'))
    const ids = list ? (JSON.parse(list) as { data: { id: string }[] }).data.map((c) => c.id) : []
    const id = pick(ids)
    if (id) {
      await timed(tally, 'GET /api/v1/contacts/:id/messages', [200], () =>
        call(`/contacts/${id}/messages`),
      )
      const body = JSON.stringify({ text: `Soak reply ${randomBytes(4).toString('hex')}` })
      await timed(tally, 'POST /api/v1/contacts/:id/messages', [202, 409, 422], () =>
        call(`/contacts/${id}/messages`, { method: 'POST', body }),
      )
      if (round % 20 === 10) await changeConsent(tally, call, id)
    }
    await sleep(150)
  }
}

async function changeConsent(
  tally: Tally,
  call: (path: string, init?: RequestInit) => Promise<Response>,
  id: string,
) {
  await timed(tally, 'POST /api/v1/contacts/:id/opt-out', [200], () =>
    call(`/contacts/${id}/opt-out`, { method: 'POST', body: '{}' }),
  )
  await timed(tally, 'POST /api/v1/contacts/:id/opt-in', [200], () =>
    call(`/contacts/${id}/opt-in`, { method: 'POST', body: '{"reason":"soak"}' }),
  )
}

/** An agent: the inbox, a conversation (unread ones get blue ticks), now and then a reply. */
export async function consoleWorker(options: Worker & { email: string; password: string }) {
  const { server, tally, until, email, password } = options
  const agent = browserSession(server, `203.0.113.${randomInt(2, 250)}`)
  await timed(tally, 'POST /login', [303], () => agent.login(email, password))
  for (let round = 0; Date.now() < until; round++) {
    const inbox = await timed(tally, 'GET /inbox', [200], () => agent.get('/inbox?view=all'))
    const id = pick(conversationIds(inbox))
    if (id) {
      await timed(tally, 'GET /conversations/:id', [200], () => agent.get(`/conversations/${id}`))
      if (round % 3 === 0) {
        await timed(tally, 'POST /conversations/:id/messages', [303, 200, 409, 422], () =>
          agent.post(`/conversations/${id}/messages`, { text: `Agent reply ${round}` }),
        )
      }
    }
    await sleep(200)
  }
}

/** A browser tab left open on the inbox: the live stream, reopened every 30 s. */
export async function liveWorker(options: Worker & { email: string; password: string }) {
  const { server, tally, until, email, password } = options
  const tab = browserSession(server, '203.0.113.251')
  await timed(tally, 'POST /login', [303], () => tab.login(email, password))
  while (Date.now() < until) {
    const started = performance.now()
    const signal = AbortSignal.timeout(Math.max(1, Math.min(30_000, until - Date.now())))
    try {
      const response = await tab.request('/inbox/events', { signal })
      tally.record('GET /inbox/events', response.status, started, [200])
      await response.text()
    } catch (error) {
      if ((error as Error).name !== 'TimeoutError') {
        tally.record('GET /inbox/events', (error as Error).name, started, [200])
        await sleep(1000)
      }
    }
  }
}
