import { describe, expect, it } from 'vitest'
import {
  DEFAULT_CONFIRMATIONS,
  DEFAULT_KEYWORDS,
  classifyConsent,
  confirmationFor,
  foldKeyword,
  mergeWorkspaceLists,
  validateLists,
  type ConsentKeywordLists,
  type ConsentOverrides,
} from './rules.js'

const LANGUAGES = Object.keys(DEFAULT_KEYWORDS) as (keyof typeof DEFAULT_KEYWORDS)[]

const EVERY_KEYWORD = LANGUAGES.flatMap((language) => [
  ...DEFAULT_KEYWORDS[language].optOut.map((keyword) => ({ language, intent: 'opt_out', keyword })),
  ...DEFAULT_KEYWORDS[language].optIn.map((keyword) => ({ language, intent: 'opt_in', keyword })),
])

const decide = (text: string) => classifyConsent(text, DEFAULT_KEYWORDS)
const withoutAccents = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
const titleCase = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

// How people send a keyword alone: shouted, padded, punctuated, WhatsApp-formatted, unaccented.
const variants = (w: string) => [
  w,
  w.toUpperCase(),
  titleCase(w),
  withoutAccents(w).toUpperCase(),
  ` ${w} `,
  `\n${w}\t`,
  `${titleCase(w)}.`,
  `${w.toUpperCase()}!!!`,
  `¡${w}!`,
  `¿${w}?`,
  `${w}؟`,
  `${w} ।`,
  `${w}॥`,
  `«${w}»`,
  `"${w}"`,
  `*${w}*`,
  `_${w}_`,
  `${w} 🛑`,
  `\u200f${w}\u200f`,
]

describe('classifyConsent over the default lists', () => {
  it.each(EVERY_KEYWORD)('$language $intent: $keyword alone in any form', (row) => {
    for (const text of variants(row.keyword)) {
      const decision = classifyConsent(text, DEFAULT_KEYWORDS, { preferLanguage: row.language })
      expect(decision, JSON.stringify(text)).toEqual({ ...row })
    }
  })

  it.each(EVERY_KEYWORD)('$language $intent: $keyword keeps its intent with no hint', (row) => {
    expect(decide(row.keyword).intent).toBe(row.intent)
  })

  it.each([
    { text: 'Stop.', intent: 'opt_out', keyword: 'stop', language: 'en' },
    { text: ' stop ', intent: 'opt_out', keyword: 'stop', language: 'en' },
    { text: 'STOP!!!', intent: 'opt_out', keyword: 'stop', language: 'en' },
    { text: 'Opt-Out', intent: 'opt_out', keyword: 'opt out', language: 'en' },
    { text: 'STOP   ALL', intent: 'opt_out', keyword: 'stop all', language: 'en' },
    { text: 'ＳＴＯＰ', intent: 'opt_out', keyword: 'stop', language: 'en' },
    { text: 'Únsubscribe.', intent: 'opt_out', keyword: 'unsubscribe', language: 'en' },
    { text: '¡Parar!', intent: 'opt_out', keyword: 'parar', language: 'es' },
    {
      text: 'Cancelar suscripcion',
      intent: 'opt_out',
      keyword: 'cancelar suscripción',
      language: 'es',
    },
    { text: 'COMECAR', intent: 'opt_in', keyword: 'começar', language: 'pt' },
    {
      text: 'cancelar inscricao',
      intent: 'opt_out',
      keyword: 'cancelar inscrição',
      language: 'pt',
    },
    { text: 'Bérhenti', intent: 'opt_out', keyword: 'berhenti', language: 'id' },
    { text: 'Band  Karo!', intent: 'opt_out', keyword: 'band karo', language: 'hi-Latn' },
    { text: 'बंद करो।', intent: 'opt_out', keyword: 'बंद करो', language: 'hi' },
    { text: 'शुरू करें॥', intent: 'opt_in', keyword: 'शुरू करें', language: 'hi' },
    { text: 'توقف؟', intent: 'opt_out', keyword: 'توقف', language: 'ar' },
    { text: 'تَوَقَّفْ', intent: 'opt_out', keyword: 'توقف', language: 'ar' },
    { text: 'تـوقـف', intent: 'opt_out', keyword: 'توقف', language: 'ar' },
    { text: 'ﺗﻮﻗﻒ', intent: 'opt_out', keyword: 'توقف', language: 'ar' },
    { text: 'إلغاءُ الاشتراكِ،', intent: 'opt_out', keyword: 'إلغاء الاشتراك', language: 'ar' },
    { text: 'اِبْدَأْ', intent: 'opt_in', keyword: 'ابدأ', language: 'ar' },
  ])('$text → $intent ($language)', ({ text, ...expected }) => {
    expect(decide(text)).toEqual(expected)
  })

  it.each([
    { text: 'stop', language: undefined, expected: 'en' },
    { text: 'stop', language: 'id', expected: 'id' },
    { text: 'PARAR', language: undefined, expected: 'es' },
    { text: 'PARAR', language: 'pt', expected: 'pt' },
    { text: 'iniciar', language: 'pt', expected: 'pt' },
    { text: 'berhenti', language: 'es', expected: 'id' },
  ])('$text with preferred language $language is $expected', ({ text, language, expected }) => {
    const options = language === undefined ? {} : { preferLanguage: language }
    expect(classifyConsent(text, DEFAULT_KEYWORDS, options)).toMatchObject({ language: expected })
  })

  it('honours the opt-out when a word is opt-in in the preferred language but opt-out in another', () => {
    const lists = { aa: { optOut: ['halt'], optIn: [] }, bb: { optOut: [], optIn: ['halt'] } }
    expect(classifyConsent('Halt!', lists, { preferLanguage: 'bb' })).toEqual({
      intent: 'opt_out',
      keyword: 'halt',
      language: 'aa',
    })
  })

  it.each([
    "don't stop",
    'stop by tomorrow?',
    'Stop promotions please',
    'stopped',
    'I want to stop by',
    'unsubscribe me from the newsletter please',
    'start time?',
    'end of month',
    'stop stop',
    'no',
    'ok',
    'yes',
    'lanjut',
    'voltar',
    'band',
    'चलो',
    'चल',
    'أبداً',
    'ابدا',
    '',
    '   ',
    '!!!',
    '🛑',
  ])('%j is none', (text) => {
    expect(decide(text)).toEqual({ intent: 'none' })
  })
})

describe('foldKeyword', () => {
  it.each([
    ['  STOP!!! ', 'stop'],
    ['¡Cancelar   Suscripción!', 'cancelar suscripcion'],
    ['opt—out', 'opt out'],
    ['don’t stop', 'don’t stop'],
    ['रोकें।', 'रोकें'],
    ['تَوَقَّفْ', 'توقف'],
    ['أوقف', 'أوقف'],
    ['\u200fتوقف\u200f', 'توقف'],
  ])('folds %j to %j', (text, folded) => {
    expect(foldKeyword(text)).toBe(folded)
  })

  it.each([
    ['चालू', 'चलो'],
    ['रोको', 'रोकें'],
    ['शुरू', 'शुरु'],
    ['ابدأ', 'أبدا'],
  ])('keeps %s and %s apart', (a, b) => {
    expect(foldKeyword(a)).not.toBe(foldKeyword(b))
  })

  it('trims a long run of punctuation in linear time', () => {
    expect(foldKeyword(`${'! '.repeat(50_000)}x${'! '.repeat(50_000)}`)).toBe('x')
  })
})

describe('mergeWorkspaceLists', () => {
  const merged = mergeWorkspaceLists(DEFAULT_KEYWORDS, {
    en: { optOut: { add: ['Leave me alone'], remove: ['END'] }, optIn: { add: ['resume'] } },
    id: { optIn: { add: ['lanjut'] } },
    fr: { optOut: { add: ['arrêter'] }, optIn: { add: ['commencer'] } },
  })

  it.each([
    { text: 'leave me alone!', intent: 'opt_out', language: 'en' },
    { text: 'Resume', intent: 'opt_in', language: 'en' },
    { text: 'lanjut', intent: 'opt_in', language: 'id' },
    { text: 'ARRETER', intent: 'opt_out', language: 'fr' },
    { text: 'commencer', intent: 'opt_in', language: 'fr' },
    { text: 'end', intent: 'none', language: undefined },
    { text: 'stop', intent: 'opt_out', language: 'en' },
  ])('$text → $intent after the edits', ({ text, intent, language }) => {
    const decision = classifyConsent(text, merged)
    expect(decision.intent).toBe(intent)
    expect('language' in decision ? decision.language : undefined).toBe(language)
  })

  it('leaves the defaults untouched and keeps folded duplicates once', () => {
    expect(DEFAULT_KEYWORDS.en.optOut).toContain('end')
    const twice = mergeWorkspaceLists(DEFAULT_KEYWORDS, {
      en: { optOut: { add: ['STOP', 'Stop!'] } },
    })
    expect(twice.en?.optOut).toEqual(DEFAULT_KEYWORDS.en.optOut)
  })

  it('keeps a word that is both added and removed', () => {
    const lists = mergeWorkspaceLists(DEFAULT_KEYWORDS, {
      en: { optOut: { add: ['Halt'], remove: ['halt', 'quit'] } },
    })
    expect(lists.en?.optOut).toContain('Halt')
    expect(lists.en?.optOut).not.toContain('quit')
  })
})

describe('confirmationFor', () => {
  it.each(LANGUAGES)('%s has two different confirmations', (language) => {
    const out = confirmationFor('opt_out', language)
    const back = confirmationFor('opt_in', language)
    expect(out).toBe(DEFAULT_CONFIRMATIONS[language].optOut)
    expect(back).toBe(DEFAULT_CONFIRMATIONS[language].optIn)
    expect(out).not.toBe(back)
  })

  // Replying with the word a confirmation names must flip consent and answer in the same language.
  it.each([
    { language: 'en', optIn: 'START', optOut: 'STOP' },
    { language: 'hi', optIn: 'शुरू', optOut: 'रोकें' },
    { language: 'hi-Latn', optIn: 'SHURU', optOut: 'BAND KARO' },
    { language: 'es', optIn: 'EMPEZAR', optOut: 'BAJA' },
    { language: 'pt', optIn: 'COMEÇAR', optOut: 'SAIR' },
    { language: 'id', optIn: 'MULAI', optOut: 'BERHENTI' },
    { language: 'ar', optIn: 'ابدأ', optOut: 'توقف' },
  ] as const)('$language confirmations name $optIn and $optOut', ({ language, ...words }) => {
    expect(DEFAULT_CONFIRMATIONS[language].optOut).toContain(words.optIn)
    expect(DEFAULT_CONFIRMATIONS[language].optIn).toContain(words.optOut)
    expect(decide(words.optIn)).toMatchObject({ intent: 'opt_in', language })
    expect(decide(words.optOut)).toMatchObject({ intent: 'opt_out', language })
  })

  const fallbacks: [string, ConsentOverrides, string][] = [
    ['fr', {}, DEFAULT_CONFIRMATIONS.en.optOut],
    ['es', { es: { confirmations: { optOut: 'Adiós' } } }, 'Adiós'],
    ['es', { es: { confirmations: { optIn: 'Hola' } } }, DEFAULT_CONFIRMATIONS.es.optOut],
    ['es', { es: { confirmations: { optOut: '  ' } } }, DEFAULT_CONFIRMATIONS.es.optOut],
    ['fr', { fr: { confirmations: { optOut: 'Au revoir' } } }, 'Au revoir'],
    ['fr', { en: { confirmations: { optOut: 'Bye' } } }, 'Bye'],
  ]
  it.each(fallbacks)('opt-out reply in %s with %j is %j', (language, overrides, expected) => {
    expect(confirmationFor('opt_out', language, overrides)).toBe(expected)
  })
})

describe('validateLists', () => {
  it('finds no problem in the defaults', () => {
    expect(validateLists(DEFAULT_KEYWORDS)).toEqual([])
  })

  it.each<{ lists: ConsentKeywordLists; problem: string }>([
    {
      lists: { en: { optOut: ['stop', 'Go'], optIn: ['go!'] } },
      problem: 'en: "Go" is in both optOut and optIn as "go!"',
    },
    {
      lists: { es: { optOut: ['alto'], optIn: [] }, pt: { optOut: [], optIn: ['Alto'] } },
      problem: '"alto" is optOut in es but "Alto" is optIn in pt',
    },
    {
      lists: { hi: { optOut: ['बंद करो', 'बंद  करो!'], optIn: [] } },
      problem: 'hi optOut: "बंद करो" and "बंद  करो!" fold to "बंद करो"',
    },
    {
      lists: { en: { optOut: ['?!'], optIn: [] } },
      problem: 'en optOut: "?!" is blank once folded',
    },
  ])('reports $problem', ({ lists, problem }) => {
    expect(validateLists(lists)).toEqual([problem])
  })

  it('finds the conflict a workspace edit creates', () => {
    const lists = mergeWorkspaceLists(DEFAULT_KEYWORDS, { en: { optIn: { add: ['Cancel'] } } })
    expect(validateLists(lists)).toEqual(['en: "cancel" is in both optOut and optIn as "Cancel"'])
  })
})
