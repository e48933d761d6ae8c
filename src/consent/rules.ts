import {
  DEFAULT_CONFIRMATIONS,
  type Confirmations,
  type ConsentKeywordLists,
  type KeywordList,
} from './keywords.js'

export { DEFAULT_CONFIRMATIONS, DEFAULT_KEYWORDS } from './keywords.js'
export type {
  Confirmations,
  ConsentKeywordLists,
  DefaultLanguage,
  KeywordList,
} from './keywords.js'

/** What an inbound text asks for. */
export type ConsentIntent = 'opt_out' | 'opt_in' | 'none'

/** The decision on one inbound text; a match names the list entry and its language. */
export type ConsentDecision =
  { intent: 'none' } | { intent: 'opt_out' | 'opt_in'; keyword: string; language: string }

/** A workspace's edit of one default list. */
export interface ListEdit {
  add?: string[]
  remove?: string[]
}

/** A workspace's edits for one language: keywords added or removed, and its own confirmations. */
export interface LanguageOverride {
  optOut?: ListEdit
  optIn?: ListEdit
  confirmations?: Partial<Confirmations>
}

/** A workspace's consent settings, by language code; a new code adds a language. */
export type ConsentOverrides = Readonly<Record<string, LanguageOverride | undefined>>

const LIST_KEY = { opt_out: 'optOut', opt_in: 'optIn' } as const

// Marks shared by scripts (Latin accents, Arabic harakat, emoji selectors) are optional in
// writing. A script's own marks spell the word: without Devanagari vowel signs चालू "on" and चलो
// "let's go" would both fold to चल. Arabic hamza (U+0653–U+0655) is a consonant: without it ابدأ
// "start" and أبدا "never" would fold alike. Both kinds are kept.
const OPTIONAL_MARK = /(?![\u0653-\u0655])(?=\p{Script=Inherited})\p{M}/gu
// Bidi marks and ZWJ/ZWNJ that keyboards and copy-paste insert unseen, and the Arabic tatweel.
const INVISIBLE = /[\p{Cf}\u0640]/gu
// From the first to the last character that is not space, punctuation or a symbol (emoji). The
// match starts at the first such character and backtracks once, so long punctuation stays linear.
const CORE = /[^\s\p{P}\p{S}](?:.*[^\s\p{P}\p{S}])?/su

/** A keyword's comparable form: folds width, case, accents, harakat, inner spacing and dashes. */
export function foldKeyword(text: string): string {
  const folded = text
    .normalize('NFKD')
    .replace(OPTIONAL_MARK, '')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(/\p{Pd}/gu, ' ') // "opt-out" is "opt out"
  return (folded.match(CORE)?.[0] ?? '').replace(/\s+/gu, ' ').normalize('NFC')
}

type Match = Exclude<ConsentDecision, { intent: 'none' }>

// Folding every entry on every inbound message is wasted work: each lists object is folded
// once (lists are never changed after they are built) into folded form → matches, opt-out
// entries first, then languages in list order.
const indexes = new WeakMap<ConsentKeywordLists, ReadonlyMap<string, Match[]>>()

function indexOf(lists: ConsentKeywordLists): ReadonlyMap<string, Match[]> {
  const known = indexes.get(lists)
  if (known) return known
  const index = new Map<string, Match[]>()
  for (const intent of ['opt_out', 'opt_in'] as const) {
    for (const [language, list] of Object.entries(lists)) {
      for (const keyword of list[LIST_KEY[intent]]) {
        const folded = foldKeyword(keyword)
        index.set(folded, [...(index.get(folded) ?? []), { intent, keyword, language }])
      }
    }
  }
  indexes.set(lists, index)
  return index
}

/** Opt-out, opt-in or none: the whole text, folded, must equal a folded list entry. */
export function classifyConsent(
  text: string,
  lists: ConsentKeywordLists,
  options: { preferLanguage?: string } = {},
): ConsentDecision {
  const folded = foldKeyword(text)
  const matches = folded === '' ? undefined : indexOf(lists).get(folded)
  const [first] = matches ?? []
  if (matches === undefined || first === undefined) return { intent: 'none' }
  // Opt-out first: should an edit put a word in both lists, honouring a stop is the safe error.
  // Among equals, a shared word (stop, parar) takes the contact's language when it is known.
  const sameIntent = matches.filter((match) => match.intent === first.intent)
  return sameIntent.find((match) => match.language === options.preferLanguage) ?? first
}

/** The lists a workspace uses: defaults minus its removals, plus its additions and languages. */
export function mergeWorkspaceLists(
  defaults: ConsentKeywordLists,
  overrides: ConsentOverrides = {},
): ConsentKeywordLists {
  const languages = new Set([...Object.keys(defaults), ...Object.keys(overrides)])
  return Object.fromEntries(
    [...languages].map((language) => {
      const base = defaults[language]
      const edit = overrides[language]
      const list: KeywordList = {
        optOut: applyEdit(base?.optOut ?? [], edit?.optOut),
        optIn: applyEdit(base?.optIn ?? [], edit?.optIn),
      }
      return [language, list]
    }),
  )
}

// Removal compares folded forms, so removing "END" drops "end"; an added word stays even if
// also removed, since adding is the explicit wish. Folded duplicates are kept once.
function applyEdit(words: readonly string[], edit: ListEdit | undefined): string[] {
  const removed = new Set((edit?.remove ?? []).map(foldKeyword))
  const kept = words.filter((word) => !removed.has(foldKeyword(word)))
  const seen = new Set<string>()
  return [...kept, ...(edit?.add ?? [])].filter((word) => {
    const folded = foldKeyword(word)
    if (seen.has(folded)) return false
    seen.add(folded)
    return true
  })
}

/** The reply to a change of consent, in the keyword's language, falling back to English. */
export function confirmationFor(
  intent: 'opt_out' | 'opt_in',
  language: string,
  overrides: ConsentOverrides = {},
): string {
  const key = LIST_KEY[intent]
  const defaults: Readonly<Record<string, Confirmations | undefined>> = DEFAULT_CONFIRMATIONS
  // A blank workspace text means "use the default", as a cleared form field would.
  const texts = [
    overrides[language]?.confirmations?.[key],
    defaults[language]?.[key],
    overrides.en?.confirmations?.[key],
  ]
  return (
    texts.find((text) => text !== undefined && text.trim() !== '') ?? DEFAULT_CONFIRMATIONS.en[key]
  )
}

/** Every problem with a set of lists: blank or colliding entries, and words with both intents. */
export function validateLists(lists: ConsentKeywordLists): string[] {
  const problems: string[] = []
  const owners = new Map<string, { word: string; language: string; intent: string }[]>()
  for (const [language, list] of Object.entries(lists)) {
    for (const intent of ['optOut', 'optIn'] as const) {
      const seen = new Map<string, string>()
      for (const word of list[intent]) {
        const folded = foldKeyword(word)
        const earlier = seen.get(folded)
        if (folded === '') {
          problems.push(`${language} ${intent}: "${word}" is blank once folded`)
          continue
        }
        if (earlier !== undefined) {
          problems.push(`${language} ${intent}: "${earlier}" and "${word}" fold to "${folded}"`)
        }
        seen.set(folded, word)
        owners.set(folded, [...(owners.get(folded) ?? []), { word, language, intent }])
      }
    }
  }
  return [...problems, ...conflicts(owners)]
}

// A word with both intents: the same language breaks the rule; across languages the
// opt-in entry can never match, because classifyConsent checks opt-out first.
function conflicts(
  owners: Map<string, { word: string; language: string; intent: string }[]>,
): string[] {
  const problems: string[] = []
  for (const entries of owners.values()) {
    const outs = entries.filter((e) => e.intent === 'optOut')
    for (const inn of entries.filter((e) => e.intent === 'optIn')) {
      for (const out of outs) {
        problems.push(
          out.language === inn.language
            ? `${out.language}: "${out.word}" is in both optOut and optIn as "${inn.word}"`
            : `"${out.word}" is optOut in ${out.language} but "${inn.word}" is optIn in ${inn.language}`,
        )
      }
    }
  }
  return problems
}
