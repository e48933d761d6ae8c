import { describe, expect, it } from 'vitest'
import { validatorFor } from '../../tests/helpers/openapi-schemas.js'
import {
  buttonsMessage,
  listMessage,
  templateMessage,
  textMessage,
  type ButtonsSpec,
  type ListSpec,
} from './send-bodies.js'

const validate = validatorFor('SendMessageRequest')
const phone = { phone: '+5511987654321' }
const bsuid = { bsuid: 'BR.13491208655302741918' }

const buttons: ButtonsSpec = {
  body: 'Shall we book the visit?',
  header: 'Visit',
  footer: 'Reply with a button',
  buttons: [
    { id: 'yes', title: 'Yes' },
    { id: 'no', title: 'No' },
  ],
}

const list: ListSpec = {
  body: 'Pick a time',
  button: 'Times',
  header: 'Visit',
  sections: [
    { title: 'Morning', rows: [{ id: 'am-9', title: '9:00', description: 'Before traffic' }] },
    { title: 'Afternoon', rows: [{ id: 'pm-2', title: '14:00' }] },
  ],
}

const rows = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `row-${i}`, title: `Row ${i}` }))

describe('send bodies', () => {
  it.each([
    ['text', textMessage(phone, 'Hello', { previewUrl: true })],
    ['text to a BSUID', textMessage(bsuid, 'Hello')],
    ['text as a reply', textMessage(phone, 'Yes', { replyTo: 'wamid.ABC', callbackData: 'c-1' })],
    ['template', templateMessage(phone, { name: 'visit_reminder', language: 'pt_BR' })],
    [
      'template with components',
      templateMessage(bsuid, {
        name: 'spring_promo',
        language: 'pt_BR',
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }],
      }),
    ],
    ['buttons', buttonsMessage(phone, buttons)],
    ['list', listMessage(phone, list, { replyTo: 'wamid.DEF' })],
    [
      'list with one untitled section',
      listMessage(phone, { ...list, sections: [{ rows: rows(10) }] }),
    ],
  ])('builds a valid SendMessageRequest: %s', (_, body) => {
    expect(validate(body)).toEqual([])
    expect(body).toMatchObject({ messaging_product: 'whatsapp', recipient_type: 'individual' })
  })

  it('addresses a phone with `to` and a BSUID with `recipient`', () => {
    expect(textMessage(phone, 'Hi')).toMatchObject({ to: phone.phone })
    expect(textMessage(phone, 'Hi')).not.toHaveProperty('recipient')
    expect(textMessage(bsuid, 'Hi')).toMatchObject({ recipient: bsuid.bsuid })
    expect(textMessage(bsuid, 'Hi')).not.toHaveProperty('to')
  })

  it('carries the reply context, the callback data and the preview flag', () => {
    const body = textMessage(phone, 'Hi', {
      replyTo: 'wamid.X',
      callbackData: 'd',
      previewUrl: false,
    })
    expect(body).toMatchObject({
      type: 'text',
      text: { body: 'Hi', preview_url: false },
      context: { message_id: 'wamid.X' },
      biz_opaque_callback_data: 'd',
    })
  })

  it('sends the template language as { code }', () => {
    const body = templateMessage(phone, { name: 'hello_world', language: 'en_US' })
    expect(body.template).toEqual({ name: 'hello_world', language: { code: 'en_US' } })
  })

  it('shapes buttons and lists as Meta expects', () => {
    expect(buttonsMessage(phone, buttons).interactive).toEqual({
      type: 'button',
      header: { type: 'text', text: 'Visit' },
      footer: { text: 'Reply with a button' },
      body: { text: 'Shall we book the visit?' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
          { type: 'reply', reply: { id: 'no', title: 'No' } },
        ],
      },
    })
    expect(listMessage(phone, list).interactive).toMatchObject({
      type: 'list',
      action: { button: 'Times', sections: list.sections },
    })
  })
})

describe('send body limits', () => {
  type Button = ButtonsSpec['buttons'][number]
  type Section = ListSpec['sections'][number]
  const withButtons =
    (...b: Button[]) =>
    () =>
      buttonsMessage(phone, { ...buttons, buttons: b })
  const withSections =
    (...sections: Section[]) =>
    () =>
      listMessage(phone, { ...list, sections })
  const withRows = (...r: ListSpec['sections'][number]['rows']) => withSections({ rows: r })
  const other: Section = { title: 'Other', rows: [{ id: 'other', title: 'Other' }] }
  const x = (length: number) => 'x'.repeat(length)

  it.each([
    ['empty text', () => textMessage(phone, ''), 'text is empty'],
    [
      'text over 4096',
      () => textMessage(phone, x(4097)),
      'text has 4097 characters; the limit is 4096',
    ],
    ['an empty phone', () => textMessage({ phone: '' }, 'Hi'), 'recipient is empty'],
    [
      'callback data over 512',
      () => textMessage(phone, 'Hi', { callbackData: x(513) }),
      'callback data',
    ],
    [
      'a nameless template',
      () => templateMessage(phone, { name: '', language: 'en' }),
      'template name',
    ],
    [
      'a template without language',
      () => templateMessage(phone, { name: 'n', language: '' }),
      'template language',
    ],
    ['no buttons', withButtons(), 'buttons: none given'],
    ['4 buttons', withButtons(...rows(4)), 'buttons: 4 given; the limit is 3'],
    ['a button title over 20', withButtons({ id: 'a', title: x(21) }), 'button title has 21'],
    ['a button id over 256', withButtons({ id: x(257), title: 'A' }), 'button id has 257'],
    [
      'two buttons with one id',
      withButtons({ id: 'a', title: 'A' }, { id: 'a', title: 'B' }),
      'button id "a" appears twice',
    ],
    [
      'two buttons with one title',
      withButtons({ id: 'a', title: 'A' }, { id: 'b', title: 'A' }),
      'button title "A"',
    ],
    [
      'a buttons body over 1024',
      () => buttonsMessage(phone, { ...buttons, body: x(1025) }),
      'body has 1025',
    ],
    [
      'a header over 60',
      () => buttonsMessage(phone, { ...buttons, header: x(61) }),
      'header has 61',
    ],
    ['a footer over 60', () => listMessage(phone, { ...list, footer: x(61) }), 'footer has 61'],
    [
      'a list button over 20',
      () => listMessage(phone, { ...list, button: x(21) }),
      'list button has 21',
    ],
    ['11 rows in a section', withRows(...rows(11)), 'rows across all sections: 11 given'],
    [
      '11 rows across sections',
      withSections({ title: 'Many', rows: rows(10) }, other),
      'rows across all sections: 11',
    ],
    [
      '11 sections',
      withSections(...rows(11).map((row) => ({ title: row.id, rows: [row] }))),
      'sections: 11 given',
    ],
    [
      'an empty section',
      withSections({ title: 'Empty', rows: [] }, other),
      'rows of a section: none given',
    ],
    ['an untitled section among several', withSections({ rows: rows(1) }, other), 'needs a title'],
    [
      'a section title over 24',
      withSections({ title: x(25), rows: rows(1) }, other),
      'section title has 25',
    ],
    ['a row title over 24', withRows({ id: 'a', title: x(25) }), 'row title has 25'],
    ['a row id over 200', withRows({ id: x(201), title: 'A' }), 'row id has 201'],
    [
      'a row description over 72',
      withRows({ id: 'a', title: 'A', description: x(73) }),
      'row description has 73',
    ],
    [
      'two rows with one id',
      withSections({ title: 'Again', rows: [{ id: 'other', title: 'A' }] }, other),
      'row id "other" appears twice',
    ],
  ])('refuses %s with a RangeError', (_, build, message) => {
    expect(build).toThrow(RangeError)
    expect(build).toThrow(message)
  })

  it('counts characters, not UTF-16 units', () => {
    expect(withButtons({ id: 'a', title: '👍'.repeat(20) })).not.toThrow()
  })
})
