import type { TemplateSpec } from '../whatsapp/send-bodies.js'

/** The categories Parley tells apart (pricing and the marketing opt-out depend on them). */
export type TemplateCategory = 'marketing' | 'utility' | 'authentication'

/** One placeholder a sender fills in; its form field is `<component>_<key>`. */
export interface TemplateParameter {
  readonly component: 'header' | 'body'
  /** '1' for `{{1}}`, 'first_name' for `{{first_name}}`. */
  readonly key: string
  /** The form field name, e.g. 'body_1'. */
  readonly field: string
  /** How a form labels it, e.g. 'Body {{1}}'. */
  readonly label: string
}

/** A template as the console and senders see it. */
export interface TemplateView {
  readonly id: string
  readonly name: string
  readonly language: string
  readonly category: TemplateCategory
  readonly status: string
  readonly headerText: string | null
  readonly bodyText: string | null
  readonly footerText: string | null
  readonly buttons: readonly string[]
  readonly parameters: readonly TemplateParameter[]
  /** Why Parley cannot send it (media headers, buttons that need values); empty when it can. */
  readonly unsupported: readonly string[]
  readonly syncedAt: Date
}

/** What `templateViewOf` reads: a stored template, components as Meta listed them. */
export interface TemplateRow {
  readonly id: string
  readonly name: string
  readonly language: string
  readonly category: string
  readonly status: string
  readonly components: readonly Record<string, unknown>[]
  readonly syncedAt: Date
}

/** The send a filled-in form makes (its category is the gate's to look up), or what is wrong. */
export type TemplateSend =
  | { readonly ok: true; readonly template: TemplateSpec }
  | { readonly ok: false; readonly problems: string[] }

const CATEGORIES: Record<string, TemplateCategory> = {
  MARKETING: 'marketing',
  UTILITY: 'utility',
  AUTHENTICATION: 'authentication',
}

// A text header holds at most 60 characters and a body 1024 (Meta's template components), so
// no value for one of their placeholders can be longer.
const LIMITS = { header: 60, body: 1024 } as const

const POSITIONAL = /\{\{(\d+)\}\}/g
const NAMED = /\{\{([a-z_][a-z0-9_]*)\}\}/g
const HAS_NAMED = /\{\{[a-z_][a-z0-9_]*\}\}/
// Meta refuses such parameter text (error 132018).
const REFUSED_SPACING = /[\n\r\t]| {5,}/

// Buttons whose send needs a value Parley has no field for; Meta refuses the send without it.
const BUTTONS_NEEDING_VALUES: Record<string, string> = {
  COPY_CODE: 'a coupon code',
  OTP: 'a one-time code',
  CATALOG: 'a product',
  MPM: 'products',
  SPM: 'a product',
}

/** Meta's upper-case category in Parley's terms; an unknown one is marketing, the stricter. */
export function categoryOf(metaCategory: string): TemplateCategory {
  return CATEGORIES[metaCategory.toUpperCase()] ?? 'marketing'
}

function componentOf(row: TemplateRow, type: string): Record<string, unknown> | undefined {
  return row.components.find((c) => String(c.type).toUpperCase() === type)
}

function textOf(component: Record<string, unknown> | undefined): string | null {
  return typeof component?.text === 'string' ? component.text : null
}

function wordsOf(upperCase: string): string {
  return upperCase.toLowerCase().replaceAll('_', ' ')
}

function aOrAn(words: string): string {
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`
}

/** Placeholder keys in order: numerically for {{1}}, in order of appearance for names. */
function keysIn(text: string | null, named: boolean): string[] {
  if (text === null) return []
  const keys = [...text.matchAll(named ? NAMED : POSITIONAL)].map((match) => match[1] ?? '')
  const unique = [...new Set(keys)]
  return named ? unique : unique.sort((a, b) => Number(a) - Number(b))
}

// The table keeps components as Meta gave them, not `parameter_format`; the placeholders tell
// the two apart, since POSITIONAL allows only digits and NAMED only lower-case names.
function parametersOf(headerText: string | null, bodyText: string | null): TemplateParameter[] {
  const named = [headerText, bodyText].some((text) => text !== null && HAS_NAMED.test(text))
  const make = (component: 'header' | 'body', key: string): TemplateParameter => ({
    component,
    key,
    field: `${component}_${key}`,
    label: `${component === 'header' ? 'Header' : 'Body'} {{${key}}}`,
  })
  return [
    ...keysIn(headerText, named).map((key) => make('header', key)),
    ...keysIn(bodyText, named).map((key) => make('body', key)),
  ]
}

function buttonsOf(row: TemplateRow): Record<string, unknown>[] {
  const buttons = componentOf(row, 'BUTTONS')?.buttons
  return Array.isArray(buttons) ? (buttons as Record<string, unknown>[]) : []
}

function buttonProblem(button: Record<string, unknown>): string | undefined {
  const type = String(button.type).toUpperCase()
  const name = typeof button.text === 'string' ? `“${button.text}”` : wordsOf(type)
  const needed = BUTTONS_NEEDING_VALUES[type]
  if (needed) return `Its button ${name} needs ${needed}, which Parley cannot fill in yet.`
  if (type === 'URL' && typeof button.url === 'string' && button.url.includes('{{')) {
    return `Its button ${name} opens a link that needs a value, which Parley cannot fill in yet.`
  }
  return undefined
}

function unsupportedOf(row: TemplateRow): string[] {
  const problems: string[] = []
  const header = componentOf(row, 'HEADER')
  const format = typeof header?.format === 'string' ? header.format.toUpperCase() : 'TEXT'
  if (header && format !== 'TEXT') {
    problems.push(`It has ${aOrAn(wordsOf(format))} header, which Parley cannot fill in yet.`)
  }
  for (const component of row.components) {
    const type = String(component.type).toUpperCase()
    if (!['HEADER', 'BODY', 'FOOTER', 'BUTTONS'].includes(type)) {
      problems.push(`It has ${aOrAn(wordsOf(type))} part, which Parley cannot send yet.`)
    }
  }
  for (const button of buttonsOf(row)) {
    const problem = buttonProblem(button)
    if (problem) problems.push(problem)
  }
  return problems
}

/** Reads a stored template's components into what the console shows and senders fill in. */
export function templateViewOf(row: TemplateRow): TemplateView {
  const header = componentOf(row, 'HEADER')
  const isTextHeader = typeof header?.format !== 'string' || header.format.toUpperCase() === 'TEXT'
  const headerText = isTextHeader ? textOf(header) : null
  const bodyText = textOf(componentOf(row, 'BODY'))
  return {
    id: row.id,
    name: row.name,
    language: row.language,
    category: categoryOf(row.category),
    status: row.status,
    headerText,
    bodyText,
    footerText: textOf(componentOf(row, 'FOOTER')),
    buttons: buttonsOf(row).flatMap((b) => (typeof b.text === 'string' ? [b.text] : [])),
    parameters: parametersOf(headerText, bodyText),
    unsupported: unsupportedOf(row),
    syncedAt: row.syncedAt,
  }
}

function valueProblem(parameter: TemplateParameter, value: string): string | undefined {
  if (value === '') return `${parameter.label} is empty: fill it in.`
  const length = Array.from(value).length
  const limit = LIMITS[parameter.component]
  if (length > limit) {
    return `${parameter.label} has ${length} characters; the limit is ${limit}.`
  }
  if (REFUSED_SPACING.test(value)) {
    return `${parameter.label} cannot contain line breaks, tabs or more than 4 spaces in a row.`
  }
  return undefined
}

/** Meta's send components for these values: named placeholders carry their name. */
function componentsFor(parameters: readonly TemplateParameter[], values: Map<string, string>) {
  const named = parameters.some((p) => !/^\d+$/.test(p.key))
  return (['header', 'body'] as const).flatMap((component) => {
    const own = parameters.filter((p) => p.component === component)
    if (own.length === 0) return []
    const list = own.map((p) => ({
      type: 'text',
      text: values.get(p.field) ?? '',
      ...(named && { parameter_name: p.key }),
    }))
    return [{ type: component, parameters: list }]
  })
}

/**
 * Turns a filled-in form into a template send: every placeholder filled (trimmed) within the
 * limits of its component. Problems are sentences a sender can act on.
 */
export function templateSendOf(
  template: TemplateView,
  fields: Record<string, string>,
): TemplateSend {
  const problems: string[] = []
  if (template.status !== 'APPROVED') {
    problems.push(`Meta has not approved this template (its status is ${template.status}).`)
  }
  problems.push(...template.unsupported)
  const values = new Map<string, string>()
  for (const parameter of template.parameters) {
    const value = (fields[parameter.field] ?? '').trim()
    const problem = valueProblem(parameter, value)
    if (problem) problems.push(problem)
    values.set(parameter.field, value)
  }
  if (problems.length > 0) return { ok: false, problems }
  const components = componentsFor(template.parameters, values)
  const spec: TemplateSpec = {
    name: template.name,
    language: template.language,
    ...(components.length > 0 && { components }),
  }
  return { ok: true, template: spec }
}
