import { describe, expect, it } from 'vitest'
import { templateViewOf, type TemplateRow } from './rules.js'
import { templateText } from './template-text.js'

function view(components: Record<string, unknown>[]) {
  const row: TemplateRow = {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'visit_reminder',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    components,
    syncedAt: new Date('2026-05-01T10:00:00Z'),
  }
  return templateViewOf(row)
}

const text = (value: string) => ({ type: 'text', text: value })

describe('templateText', () => {
  it('fills positional placeholders of header and body and keeps the footer', () => {
    const reminder = view([
      { type: 'HEADER', format: 'TEXT', text: 'Visit {{1}}' },
      { type: 'BODY', text: 'Hi {{1}}, see you on {{2}}. Bring {{1}}’s card.' },
      { type: 'FOOTER', text: 'Reply STOP to opt out' },
    ])
    const spec = {
      name: 'visit_reminder',
      language: 'en_US',
      components: [
        { type: 'header', parameters: [text('#42')] },
        { type: 'body', parameters: [text('Ana'), text('Friday')] },
      ],
    }
    expect(templateText(reminder, spec)).toBe(
      'Visit #42\n\nHi Ana, see you on Friday. Bring Ana’s card.\n\nReply STOP to opt out',
    )
  })

  it('fills named placeholders by parameter_name', () => {
    const named = view([{ type: 'BODY', text: 'Hello {{first_name}}, order {{order_id}}.' }])
    const spec = {
      name: 'visit_reminder',
      language: 'en_US',
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: '7781', parameter_name: 'order_id' },
            { type: 'text', text: 'Ana', parameter_name: 'first_name' },
          ],
        },
      ],
    }
    expect(templateText(named, spec)).toBe('Hello Ana, order 7781.')
  })

  it('shows a template without placeholders as written, and a missing value as its placeholder', () => {
    expect(
      templateText(view([{ type: 'BODY', text: 'Hi there!' }]), { name: 'a', language: 'en' }),
    ).toBe('Hi there!')
    expect(
      templateText(view([{ type: 'BODY', text: 'Hi {{1}}' }]), { name: 'a', language: 'en' }),
    ).toBe('Hi {{1}}')
  })
})
