import type { MessageTemplate, MessageTemplatesPage } from './cloud-api.js'
import { graphErrorOf, type GraphTarget } from './graph-errors.js'

const PAGE_TIMEOUT_MS = 30_000
const PAGE_SIZE = 100
// A WABA holds at most 250 templates (error 2388019); the cap only stops a paging loop.
const MAX_PAGES = 10
const FIELDS = 'id,name,language,status,category,parameter_format,components'

/** Which WhatsApp Business Account to read, with whose token. */
export interface TemplatesSource extends GraphTarget {
  readonly wabaId: string
  readonly accessToken: string
}

/** Meta could not be reached (network failure or timeout); nothing was read. */
export class TemplatesUnreachableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'TemplatesUnreachableError'
  }
}

/** One page of `GET /{version}/{waba-id}/message_templates`; throws GraphError on an error answer. */
async function fetchPage(source: TemplatesSource, after: string | undefined) {
  const { baseUrl, version, wabaId } = source
  const url = new URL(`${baseUrl}/${version}/${encodeURIComponent(wabaId)}/message_templates`)
  url.searchParams.set('fields', FIELDS)
  url.searchParams.set('limit', String(PAGE_SIZE))
  if (after !== undefined) url.searchParams.set('after', after)
  let response: Response
  try {
    response = await fetch(url, {
      headers: { Authorization: `Bearer ${source.accessToken}` },
      signal: AbortSignal.timeout(PAGE_TIMEOUT_MS),
    })
  } catch (error) {
    throw new TemplatesUnreachableError('template list: Meta could not be reached', {
      cause: error,
    })
  }
  if (!response.ok) throw await graphErrorOf(response, 'template list')
  const body = (await response.json()) as Partial<MessageTemplatesPage> | null
  if (!Array.isArray(body?.data)) throw new Error('template list answered without data')
  return body as MessageTemplatesPage
}

/**
 * Every template of the WABA, following the `after` cursor while Meta says there is a next
 * page. The cursor, not the `next` URL, drives the loop: our token goes only to our base URL.
 */
export async function fetchAllTemplates(source: TemplatesSource): Promise<MessageTemplate[]> {
  const templates: MessageTemplate[] = []
  let after: string | undefined
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const answer = await fetchPage(source, after)
    templates.push(...answer.data)
    after = answer.paging?.cursors?.after
    if (answer.paging?.next === undefined || after === undefined) return templates
  }
  throw new Error(`template list: more than ${MAX_PAGES} pages`)
}
