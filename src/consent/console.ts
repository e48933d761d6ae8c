import { Readable } from 'node:stream'
import { Hono } from 'hono'
import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { currentPrincipal, requireRole } from '../http/roles.js'
import { hrefWith } from '../http/forms.js'
import { recordAudit } from '../audit/record-audit.js'
import { actingOf } from '../http/actor.js'
import { isAppError } from '../errors.js'
import { CONSENT_METHODS } from '../db/schema.js'
import { readConsentLog } from './consent-log.js'
import { CONSENT_METHOD_LABELS, consentEntryView } from './consent-entry.view.js'
import { zonedParts } from '../console/time-zone.js'
import { CONSENT_CSV_HEADER, consentCsvLine } from './csv.js'

const LOG_PAGE = { fallback: 50, max: 50 }
const EXPORT_PAGE = { fallback: 1000, max: 1000 }

type LogPage = Awaited<ReturnType<typeof readConsentLog>>
type Filters = { from: string; to: string; method: string }

function filtersOf(c: Context<AppEnv>): Filters {
  const { from = '', to = '', method = '' } = c.req.query()
  return { from, to, method }
}

function renderLog(
  c: Context<AppEnv>,
  view: { filters: Filters; page: LogPage; cursor: string; error?: string },
  status: 200 | 422 = 200,
) {
  const { filters, page, cursor } = view
  const { timeZone } = currentPrincipal(c)
  const data = {
    filters,
    filtered: Object.values(filters).some((value) => value !== ''),
    methods: CONSENT_METHODS.map((value) => ({ value, label: CONSENT_METHOD_LABELS[value] })),
    entries: page.data.map((entry) => consentEntryView(entry, timeZone)),
    olderHref: page.nextCursor && hrefWith('/opt-outs', { ...filters, cursor: page.nextCursor }),
    newestHref: cursor === '' ? null : hrefWith('/opt-outs', filters),
    csvHref: hrefWith('/opt-outs.csv', filters),
    error: view.error,
  }
  return c.html(c.var.render('consent/log', data), status)
}

// The name says which window was exported; only date-like characters reach the header.
function exportName(filters: Filters, now: Date, timeZone: string): string {
  const part = (raw: string, fallback: string) => raw.replace(/[^\w-]/g, '') || fallback
  const today = zonedParts(now, timeZone).date
  return `opt-outs-${part(filters.from, 'start')}-${part(filters.to, today)}.csv`
}

async function* csvRecords(
  first: LogPage,
  readPage: (cursor: string) => Promise<LogPage>,
  timeZone: string,
) {
  const encoder = new TextEncoder()
  yield encoder.encode(CONSENT_CSV_HEADER)
  let page = first
  for (;;) {
    if (page.data.length > 0)
      yield encoder.encode(page.data.map((entry) => consentCsvLine(entry, timeZone)).join(''))
    if (page.nextCursor === null) return
    page = await readPage(page.nextCursor)
  }
}

/** The consent log for owners and admins: a filtered page, and every matching entry as CSV. */
export const consentConsole = new Hono<AppEnv>()
  .get('/opt-outs', requireRole('admin'), async (c) => {
    const filters = filtersOf(c)
    const cursor = c.req.query('cursor') ?? ''
    const { timeZone } = currentPrincipal(c)
    try {
      const page = await c.var.tenant((tx) =>
        readConsentLog(tx, c.var.deps.cipher, { ...filters, cursor, timeZone }, LOG_PAGE),
      )
      return renderLog(c, { filters, page, cursor })
    } catch (error) {
      if (!isAppError(error, 'validation_failed')) throw error
      const page = { data: [], nextCursor: null }
      return renderLog(c, { filters, page, cursor, error: error.message }, 422)
    }
  })
  .get('/opt-outs.csv', requireRole('admin'), async (c) => {
    const filters = filtersOf(c)
    const { timeZone } = currentPrincipal(c)
    const readPage = (cursor?: string) =>
      c.var.tenant((tx) =>
        readConsentLog(tx, c.var.deps.cipher, { ...filters, cursor, timeZone }, EXPORT_PAGE),
      )
    // The first page is read before answering: bad filters get the error page, not a broken file.
    const first = await readPage()
    await c.var.tenant((tx) =>
      recordAudit(tx, actingOf(c), {
        action: 'export.opt_outs',
        recordType: 'consent_log',
        details: filters,
      }),
    )
    const records = Readable.from(csvRecords(first, readPage, timeZone)).on('error', (err) => {
      c.var.log.error({ err }, 'consent export failed part way')
    })
    // Readable.toWeb's stream type is node's; the body is the same web stream at runtime.
    return c.body(Readable.toWeb(records) as ReadableStream<Uint8Array>, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${exportName(filters, c.var.deps.now(), timeZone)}"`,
      'Cache-Control': 'no-store',
    })
  })
