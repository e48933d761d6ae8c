import type { TemplateSpec } from '../whatsapp/send-bodies.js'
import type { TemplateView } from './rules.js'

type Part = 'header' | 'body'

const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*|\d+)\s*\}\}/g

// A send's parameters for one part: by position ({{1}} is the first) and by parameter_name.
function valuesOf(spec: TemplateSpec, part: Part): Map<string, string> {
  const values = new Map<string, string>()
  const component = spec.components?.find(
    (c): c is { parameters?: unknown } =>
      typeof c === 'object' && c !== null && (c as { type?: unknown }).type === part,
  )
  const parameters = Array.isArray(component?.parameters) ? (component.parameters as unknown[]) : []
  parameters.forEach((parameter, index) => {
    const { text, parameter_name: name } = parameter as { text?: unknown; parameter_name?: unknown }
    if (typeof text !== 'string') return
    values.set(String(index + 1), text)
    if (typeof name === 'string') values.set(name, text)
  })
  return values
}

function filled(text: string | null, values: Map<string, string>): string | null {
  return text === null
    ? null
    : text.replace(PLACEHOLDER, (all, key: string) => values.get(key) ?? all)
}

/**
 * The words a template send puts on the contact's phone, as Meta fills the synced template:
 * header, body and footer with the send's values in place of their placeholders. A placeholder
 * without a value stays as written, so nothing is made up.
 */
export function templateText(view: TemplateView, spec: TemplateSpec): string {
  return [
    filled(view.headerText, valuesOf(spec, 'header')),
    filled(view.bodyText, valuesOf(spec, 'body')),
    view.footerText,
  ]
    .filter((part): part is string => part !== null && part !== '')
    .join('\n\n')
}
