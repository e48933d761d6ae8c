import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIRMATIONS, DEFAULT_KEYWORDS, type ConsentOverrides } from './rules.js'
import { parseSettings } from '../workspaces/settings-schema.js'
import {
  consentFormFor,
  consentFormFromFields,
  consentPageOf,
  overridesFromForm,
  readConsentForm,
  type ConsentForm,
  type LanguageFields,
} from './settings-form.js'

const untouched = consentFormFor(parseSettings({}).consent, 80)

// The form as a browser posts it (CRLF line ends), with some fields replaced.
function posted(changes: Record<string, string> = {}): Record<string, string> {
  const fields: Record<string, string> = {
    optOutButtons: untouched.optOutButtons.replaceAll('\n', '\r\n'),
    messagesPerSecond: untouched.messagesPerSecond,
  }
  for (const language of untouched.languages) {
    for (const key of ['optOut', 'optIn', 'confirmOptOut', 'confirmOptIn'] as const) {
      fields[`${key}:${language.code}`] = language[key].replaceAll('\n', '\r\n')
    }
  }
  return { ...fields, ...changes }
}

const lines = (...words: string[]) => words.join('\r\n')
const without = (words: readonly string[], word: string) => words.filter((w) => w !== word)
const read = (changes: Record<string, string>) =>
  readConsentForm(consentFormFromFields(posted(changes)))

describe('overridesFromForm', () => {
  it('finds no edit in the defaults as prefilled', () => {
    expect(overridesFromForm(untouched.languages)).toEqual({})
    expect(overridesFromForm(consentFormFromFields(posted()).languages)).toEqual({})
  })

  it.each<{ title: string; changes: Record<string, string>; overrides: ConsentOverrides }>([
    {
      title: 'a removed default becomes a removal',
      changes: { 'optOut:en': lines(...without(DEFAULT_KEYWORDS.en.optOut, 'cancel')) },
      overrides: { en: { optOut: { remove: ['cancel'] } } },
    },
    {
      title: 'a new word becomes an addition',
      changes: { 'optOut:es': lines(...DEFAULT_KEYWORDS.es.optOut, '  para ya ') },
      overrides: { es: { optOut: { add: ['para ya'] } } },
    },
    {
      title: 'a word typed twice up to case is added once',
      changes: { 'optIn:en': lines(...DEFAULT_KEYWORDS.en.optIn, 'Go on', 'GO ON', '') },
      overrides: { en: { optIn: { add: ['Go on'] } } },
    },
    {
      title: 'a default replaced by a new word is both',
      changes: { 'optIn:pt': lines(...without(DEFAULT_KEYWORDS.pt.optIn, 'reativar'), 'ativar') },
      overrides: { pt: { optIn: { add: ['ativar'], remove: ['reativar'] } } },
    },
    {
      title: 'a reply of its own is kept, trimmed',
      changes: { 'confirmOptOut:en': '  Done, no more messages.  ' },
      overrides: { en: { confirmations: { optOut: 'Done, no more messages.' } } },
    },
  ])('$title', ({ changes, overrides }) => {
    expect(overridesFromForm(consentFormFromFields(posted(changes)).languages)).toEqual(overrides)
  })

  it.each([
    ['case', 'CANCEL'],
    ['accents', 'cancél'],
    ['punctuation and spacing', ' Cancel! '],
  ])('does not count a change of %s as an edit', (_, spelling) => {
    const optOut = DEFAULT_KEYWORDS.en.optOut.map((w) => (w === 'cancel' ? spelling : w))
    expect(
      overridesFromForm(consentFormFromFields(posted({ 'optOut:en': lines(...optOut) })).languages),
    ).toEqual({})
  })

  it('does not store a reply that is blank or the default', () => {
    const changes = { 'confirmOptOut:es': '   ', 'confirmOptIn:es': DEFAULT_CONFIRMATIONS.es.optIn }
    expect(overridesFromForm(consentFormFromFields(posted(changes)).languages)).toEqual({})
  })
})

describe('consentFormFor', () => {
  it('shows the saved edits, which read back as the same overrides', () => {
    const overrides: ConsentOverrides = {
      en: { optOut: { remove: ['cancel'] }, confirmations: { optIn: 'Welcome back.' } },
      es: { optOut: { add: ['para ya'] } },
      fr: { optOut: { add: ['arrêt'] }, optIn: { add: ['commencer'] } },
    }
    const form = consentFormFor(
      parseSettings({ consent: { overrides, optOutButtons: ['No'] } }).consent,
      20,
    )
    expect(form.languages.find((l) => l.code === 'en')?.optOut).not.toMatch(/^cancel$/m)
    expect(form.languages.find((l) => l.code === 'fr')?.optIn).toBe('commencer')
    expect(readConsentForm(form)).toEqual({
      ok: true,
      consent: { overrides, optOutButtons: ['No'] },
      messagesPerSecond: 20,
    })
  })
})

describe('readConsentForm', () => {
  it('saves the defaults as no overrides', () => {
    expect(read({})).toEqual({
      ok: true,
      consent: { overrides: {}, optOutButtons: ['Stop promotions', 'Parar promoções'] },
      messagesPerSecond: 80,
    })
  })

  it('adds a language from the added block', () => {
    const result = read({ 'added.code': ' fr ', 'added.optOut': lines('arrêt', 'stop') })
    expect(result).toMatchObject({
      ok: true,
      consent: { overrides: { fr: { optOut: { add: ['arrêt', 'stop'] } } } },
    })
  })

  it.each<{ title: string; changes: Record<string, string>; problem: RegExp }>([
    {
      title: 'a word in both lists',
      changes: { 'optIn:en': lines(...DEFAULT_KEYWORDS.en.optIn, 'Cancel') },
      problem: /en: "cancel" is in both optOut and optIn as "Cancel"/,
    },
    {
      title: 'no throughput',
      changes: { messagesPerSecond: '' },
      problem: /whole number from 1 to 1000/,
    },
    { title: 'zero per second', changes: { messagesPerSecond: '0' }, problem: /from 1 to 1000/ },
    {
      title: 'over 1000 per second',
      changes: { messagesPerSecond: '5000' },
      problem: /from 1 to 1000/,
    },
    {
      title: 'a fraction per second',
      changes: { messagesPerSecond: '1.5' },
      problem: /from 1 to 1000/,
    },
    {
      title: 'a bad language code',
      changes: { 'optOut:French': 'arrêt' },
      problem: /"French" is not a language code/,
    },
    {
      title: 'an added language without a code',
      changes: { 'added.optOut': 'arrêt' },
      problem: /Give the new language a code/,
    },
    {
      title: 'an added language already listed',
      changes: { 'added.code': 'es', 'added.optOut': 'x' },
      problem: /"es" is already listed/,
    },
    {
      title: 'an added language without words',
      changes: { 'added.code': 'fr' },
      problem: /at least one opt-out or opt-in word for "fr"/,
    },
    {
      title: 'a word that is only punctuation',
      changes: { 'optOut:id': '!!!' },
      problem: /"!!!" is blank once folded/,
    },
    {
      title: 'an overlong word',
      changes: { 'optOut:en': 'x'.repeat(101) },
      problem: /over 100 characters/,
    },
    {
      title: 'an overlong button',
      changes: { optOutButtons: 'b'.repeat(257) },
      problem: /over 256 characters/,
    },
  ])('refuses $title', ({ changes, problem }) => {
    const result = read(changes)
    expect(result.ok).toBe(false)
    expect(result.ok ? [] : result.problems.join('\n')).toMatch(problem)
  })
})

describe('consentPageOf', () => {
  const row = (form: ConsentForm, code: string) =>
    consentPageOf(form).languages.find((l) => l.code === code)
  const withEnglish = (confirmOptOut: string): ConsentForm => ({
    ...untouched,
    languages: [
      ...untouched.languages.map((l): LanguageFields =>
        l.code === 'en' ? { ...l, confirmOptOut } : l,
      ),
      { code: 'fr', optOut: 'arrêt', optIn: '', confirmOptOut: '', confirmOptIn: '' },
    ],
  })

  it('names each language and shows the reply a blank field stands for', () => {
    expect(row(untouched, 'hi-Latn')).toMatchObject({ name: 'Hindi (Latin)', shipped: true })
    expect(row(untouched, 'es')?.defaultOptOut).toBe(DEFAULT_CONFIRMATIONS.es.optOut)
    const custom = withEnglish('Bye.')
    expect(row(custom, 'fr')).toMatchObject({
      name: 'French',
      shipped: false,
      defaultOptOut: 'Bye.',
    })
    expect(row(custom, 'en')?.defaultOptOut).toBe(DEFAULT_CONFIRMATIONS.en.optOut)
  })

  it('shows a malformed code as typed', () => {
    const form = { ...untouched, languages: [{ ...untouched.added, code: 'ab-1' }] }
    expect(consentPageOf(form).languages[0]?.name).toBe('ab-1')
  })
})
