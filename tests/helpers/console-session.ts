import type { ParleyApp } from '../../src/app.js'
import { TEST_PASSWORD } from './workspace.js'

/** A cookie-keeping visitor of the console, like one browser tab, driving app.request(). */
export class ConsoleSession {
  private readonly cookies = new Map<string, string>()
  private csrf: string | undefined

  constructor(
    private readonly app: ParleyApp,
    private readonly ip = '203.0.113.10',
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    headers.set('x-forwarded-for', this.ip)
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    }
    const response = await this.app.request(path, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) this.keepCookie(line)
    // The CSRF token is bound to the session and its cookie: a new one of either means a new token.
    if (/^parley_(session|csrf)=/m.test(response.headers.getSetCookie().join('\n'))) {
      this.csrf = undefined
    }
    return response
  }

  private keepCookie(line: string) {
    const [pair = ''] = line.split(';')
    const index = pair.indexOf('=')
    const name = pair.slice(0, index).trim()
    const value = pair.slice(index + 1).trim()
    const expired = /max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)
    if (expired || value === '') this.cookies.delete(name)
    else this.cookies.set(name, value)
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)
  }

  setCookie(name: string, value: string) {
    this.cookies.set(name, value)
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request(path, { headers })
  }

  /**
   * The CSRF token a page would carry, read like a browser would: from the login form, or, once
   * signed in, from the page /login sends the session on to.
   */
  async csrfToken(): Promise<string> {
    if (this.csrf) return this.csrf
    let response = await this.get('/login')
    // An empty database sends /login on to /setup; a session goes on to its home or /account.
    for (let hop = 0; hop < 3; hop++) {
      const location = response.headers.get('location')
      if (!location) break
      response = await this.get(location)
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(await response.text())
    if (!match?.[1]) throw new Error('no CSRF token on the login or setup page')
    this.csrf = match[1]
    return this.csrf
  }

  /** Posts a form with the CSRF field, unless `csrf: false`. */
  async post(
    path: string,
    fields: Record<string, string>,
    options: { csrf?: boolean; htmx?: boolean } = {},
  ) {
    const form = new URLSearchParams(fields)
    if (options.csrf !== false) form.set('_csrf', await this.csrfToken())
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
    if (options.htmx) headers['hx-request'] = 'true'
    return this.request(path, { method: 'POST', body: form.toString(), headers })
  }

  /** Logs in; returns the response of the login POST. */
  login(email: string, password = TEST_PASSWORD) {
    return this.post('/login', { email, password })
  }
}

/** A new session logged in as this user (the seeded password); throws when the login fails. */
export async function signedIn(app: ParleyApp, user: { readonly email: string }) {
  const session = new ConsoleSession(app)
  const response = await session.login(user.email)
  if (response.status !== 303) throw new Error(`login of ${user.email} answered ${response.status}`)
  return session
}
