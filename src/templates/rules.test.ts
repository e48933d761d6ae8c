import { describe, expect, it } from 'vitest'
import {
  categoryOf,
  templateSendOf,
  templateViewOf,
  type TemplateRow,
  type TemplateView,
} from './rules.js'

type Fields = Record<string, string>

const SYNCED = new Date('2026-05-01T10:00:00Z')

function row(components: Record<string, unknown>[], patch: Partial<TemplateRow> = {}): TemplateRow {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    components,
    syncedAt: SYNCED,
    ...patch,
  }
}

const body = (text: string) => ({ type: 'BODY', text })
const textHeader = (text: string) => ({ type: 'HEADER', format: 'TEXT', text })

const POSITIONAL = row([
  textHeader('Order {{1}}'),
  body('Hi {{2}}, order {{1}} ships {{10}}. Thanks {{2}}!'),
  { type: 'FOOTER', text: 'Reply STOP to opt out' },
  {
    type: 'BUTTONS',
    buttons: [
      { type: 'QUICK_REPLY', text: 'Track' },
      { type: 'URL', text: 'Shop', url: 'https://shop.example/' },
      { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+15550100' },
    ],
  },
])

const NAMED = row([body('Hello {{first_name}}, your code is {{order_id}}. Bye {{first_name}}.')])

describe('templateViewOf', () => {
  it('reads header, body, footer and button texts', () => {
    const view = templateViewOf(POSITIONAL)
    expect(view).toMatchObject({
      name: 'order_update',
      language: 'en_US',
      category: 'utility',
      status: 'APPROVED',
      headerText: 'Order {{1}}',
      bodyText: 'Hi {{2}}, order {{1}} ships {{10}}. Thanks {{2}}!',
      footerText: 'Reply STOP to opt out',
      buttons: ['Track', 'Shop', 'Call us'],
      unsupported: [],
      syncedAt: SYNCED,
    })
  })

  it.each([
    {
      title: 'positional placeholders, numerically and once each, header first',
      template: POSITIONAL,
      fields: ['header_1', 'body_1', 'body_2', 'body_10'],
      labels: ['Header {{1}}', 'Body {{1}}', 'Body {{2}}', 'Body {{10}}'],
    },
    {
      title: 'named placeholders in order of appearance, once each',
      template: NAMED,
      fields: ['body_first_name', 'body_order_id'],
      labels: ['Body {{first_name}}', 'Body {{order_id}}'],
    },
    {
      title: 'a named header placeholder',
      template: row([textHeader('Hi {{name}}'), body('Welcome')]),
      fields: ['header_name'],
      labels: ['Header {{name}}'],
    },
    { title: 'no placeholders', template: row([body('Welcome!')]), fields: [], labels: [] },
    {
      title: 'nothing from a media header',
      template: row([{ type: 'HEADER', format: 'IMAGE' }, body('Look {{1}}')]),
      fields: ['body_1'],
      labels: ['Body {{1}}'],
    },
  ])('finds $title', ({ template, fields, labels }) => {
    const { parameters } = templateViewOf(template)
    expect(parameters.map((p) => p.field)).toEqual(fields)
    expect(parameters.map((p) => p.label)).toEqual(labels)
    for (const p of parameters) expect(p.field).toBe(`${p.component}_${p.key}`)
  })

  it.each([
    {
      parts: [{ type: 'HEADER', format: 'IMAGE' }, body('x')],
      problem: 'It has an image header, which Parley cannot fill in yet.',
    },
    {
      parts: [{ type: 'HEADER', format: 'LOCATION' }, body('x')],
      problem: 'It has a location header, which Parley cannot fill in yet.',
    },
    {
      parts: [body('x'), { type: 'CAROUSEL', cards: [] }],
      problem: 'It has a carousel part, which Parley cannot send yet.',
    },
    {
      parts: [body('x'), { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', text: 'Copy' }] }],
      problem: 'Its button “Copy” needs a coupon code, which Parley cannot fill in yet.',
    },
    {
      parts: [
        body('x'),
        {
          type: 'BUTTONS',
          buttons: [{ type: 'URL', text: 'Open', url: 'https://a.example/{{1}}' }],
        },
      ],
      problem:
        'Its button “Open” opens a link that needs a value, which Parley cannot fill in yet.',
    },
  ])('says why it cannot send: $problem', ({ parts, problem }) => {
    expect(templateViewOf(row(parts)).unsupported).toEqual([problem])
  })
})

describe('categoryOf', () => {
  it.each([
    ['MARKETING', 'marketing'],
    ['UTILITY', 'utility'],
    ['AUTHENTICATION', 'authentication'],
    ['utility', 'utility'],
    ['SERVICE', 'marketing'],
    ['', 'marketing'],
  ])('reads %j as %s', (meta, category) => {
    expect(categoryOf(meta)).toBe(category)
  })
})

describe('templateSendOf', () => {
  const positional = templateViewOf(POSITIONAL)
  const filled = { header_1: ' A-17 ', body_1: 'A-17', body_2: 'Ana', body_10: 'today' }

  it('builds header and body parameters in placeholder order, trimmed', () => {
    expect(templateSendOf(positional, filled)).toEqual({
      ok: true,
      template: {
        name: 'order_update',
        language: 'en_US',
        components: [
          { type: 'header', parameters: [{ type: 'text', text: 'A-17' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'A-17' },
              { type: 'text', text: 'Ana' },
              { type: 'text', text: 'today' },
            ],
          },
        ],
      },
    })
  })

  it('names the parameters of a NAMED template', () => {
    const send = templateSendOf(templateViewOf(NAMED), {
      body_first_name: 'Ana',
      body_order_id: '42',
    })
    expect(send).toMatchObject({
      ok: true,
      template: {
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ana', parameter_name: 'first_name' },
              { type: 'text', text: '42', parameter_name: 'order_id' },
            ],
          },
        ],
      },
    })
  })

  it('sends a template without placeholders without components', () => {
    const send = templateSendOf(templateViewOf(row([body('Hi!')])), {})
    expect(send).toEqual({
      ok: true,
      template: { name: 'order_update', language: 'en_US' },
    })
  })

  const body1 = templateViewOf(row([body('Hi {{1}}')]))
  const header1 = templateViewOf(row([textHeader('Hi {{1}}'), body('x')]))

  it.each<{ title: string; view: TemplateView; fields: Fields; ok: boolean }>([
    { title: 'a missing value', view: body1, fields: {}, ok: false },
    { title: 'a blank value', view: body1, fields: { body_1: '   ' }, ok: false },
    { title: '1024 body characters', view: body1, fields: { body_1: 'x'.repeat(1024) }, ok: true },
    { title: '1025 body characters', view: body1, fields: { body_1: 'x'.repeat(1025) }, ok: false },
    {
      title: '1024 emoji (code points)',
      view: body1,
      fields: { body_1: '😀'.repeat(1024) },
      ok: true,
    },
    {
      title: '60 header characters',
      view: header1,
      fields: { header_1: 'x'.repeat(60) },
      ok: true,
    },
    {
      title: '61 header characters',
      view: header1,
      fields: { header_1: 'x'.repeat(61) },
      ok: false,
    },
    { title: 'a line break', view: body1, fields: { body_1: 'a\nb' }, ok: false },
    { title: 'a tab', view: body1, fields: { body_1: 'a\tb' }, ok: false },
    { title: 'four spaces in a row', view: body1, fields: { body_1: 'a    b' }, ok: true },
    { title: 'five spaces in a row', view: body1, fields: { body_1: 'a     b' }, ok: false },
  ])('accepts or refuses $title', ({ view, fields, ok }) => {
    expect(templateSendOf(view, fields).ok).toBe(ok)
  })

  it.each<{ fields: Fields; problem: string }>([
    { fields: {}, problem: 'Body {{1}} is empty: fill it in.' },
    {
      fields: { body_1: 'x'.repeat(1100) },
      problem: 'Body {{1}} has 1100 characters; the limit is 1024.',
    },
    {
      fields: { body_1: 'a\nb' },
      problem: 'Body {{1}} cannot contain line breaks, tabs or more than 4 spaces in a row.',
    },
  ])('explains the problem: $problem', ({ fields, problem }) => {
    expect(templateSendOf(body1, fields)).toEqual({ ok: false, problems: [problem] })
  })

  it('lists every problem: the status, what Parley cannot send, each empty value', () => {
    const view = templateViewOf(
      row([{ type: 'HEADER', format: 'VIDEO' }, body('{{1}} {{2}}')], { status: 'PAUSED' }),
    )
    expect(templateSendOf(view, { body_2: 'ok' })).toEqual({
      ok: false,
      problems: [
        'Meta has not approved this template (its status is PAUSED).',
        'It has a video header, which Parley cannot fill in yet.',
        'Body {{1}} is empty: fill it in.',
      ],
    })
  })
})
