import {
  confirmationFor,
  DEFAULT_CONFIRMATIONS,
  DEFAULT_KEYWORDS,
  foldKeyword,
  mergeWorkspaceLists,
  validateLists,
  type Confirmations,
  type KeywordList,
  type LanguageOverride,
  type ListEdit,
} from './rules.js'
import { LANGUAGE_CODE, type ConsentSettings, type WorkspaceConsent } from './settings.js'

/** One language as the form shows it: one word or phrase per line, and the two replies. */
export interface LanguageFields {
  readonly code: string
  readonly optOut: string
  readonly optIn: string
  readonly confirmOptOut: string
  readonly confirmOptIn: string
}

/** The consent settings form as typed (or prefilled), kept as text so a refusal shows it back. */
export interface ConsentForm {
  readonly languages: readonly LanguageFields[]
  /** The "add a language" block; its code is blank when nothing is added. */
  readonly added: LanguageFields
  readonly optOutButtons: string
  readonly messagesPerSecond: string
}

/** A checked form: what to save, or every problem found. */
export type ConsentFormResult =
  | { readonly ok: true; readonly consent: ConsentSettings; readonly messagesPerSecond: number }
  | { readonly ok: false; readonly problems: readonly string[] }

type FieldKey = Exclude<keyof LanguageFields, 'code'>
const FIELD = /^(?:optOut|optIn|confirmOptOut|confirmOptIn):(.+)$/
const MAX_WORDS = 200
const MAX_WORD_LENGTH = 100
const MAX_CONFIRMATION_LENGTH = 4096
const MAX_BUTTONS = 50
const MAX_BUTTON_LENGTH = 256
// Meta's throughput tiers are 80 (default), 1000 (upgraded) and 20 (coexistence numbers).
const MAX_MESSAGES_PER_SECOND = 1000

function languageFields(code: string, read: (key: FieldKey) => string | undefined): LanguageFields {
  const text = (key: FieldKey) => read(key) ?? ''
  return {
    code,
    optOut: text('optOut'),
    optIn: text('optIn'),
    confirmOptOut: text('confirmOptOut'),
    confirmOptIn: text('confirmOptIn'),
  }
}

/** Reads the posted fields: `optOut:<code>` and its siblings per language, `added.*` for a new one. */
export function consentFormFromFields(fields: Readonly<Record<string, string>>): ConsentForm {
  const codes = new Set(Object.keys(fields).flatMap((name) => FIELD.exec(name)?.[1] ?? []))
  return {
    languages: [...codes].map((code) => languageFields(code, (key) => fields[`${key}:${code}`])),
    added: languageFields((fields['added.code'] ?? '').trim(), (key) => fields[`added.${key}`]),
    optOutButtons: fields.optOutButtons ?? '',
    messagesPerSecond: fields.messagesPerSecond ?? '',
  }
}

/** The form for saved settings: the lists in force, the workspace's own replies, nothing added. */
export function consentFormFor(consent: WorkspaceConsent, messagesPerSecond: number): ConsentForm {
  return {
    languages: Object.entries(consent.lists).map(([code, list]) => ({
      code,
      optOut: list.optOut.join('\n'),
      optIn: list.optIn.join('\n'),
      confirmOptOut: consent.overrides[code]?.confirmations?.optOut ?? '',
      confirmOptIn: consent.overrides[code]?.confirmations?.optIn ?? '',
    })),
    added: languageFields('', () => ''),
    optOutButtons: consent.optOutButtons.join('\n'),
    messagesPerSecond: String(messagesPerSecond),
  }
}

/** One language block of the page: the typed text, a name, and what blank replies stand for. */
export interface LanguageRow extends LanguageFields {
  readonly name: string
  /** Shipped with Parley; any other language goes once its lists and replies are emptied. */
  readonly shipped: boolean
  readonly defaultOptOut: string
  readonly defaultOptIn: string
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language' })

function languageName(code: string): string {
  try {
    return LANGUAGE_NAMES.of(code) ?? code
  } catch {
    // A code the regex accepts may still be malformed BCP 47 ("ab-1"): show it as typed.
    return code
  }
}

function languageRow(fields: LanguageFields, english: LanguageFields | undefined): LanguageRow {
  // A blank reply falls back to the language's default, then to the workspace's English reply.
  const overrides =
    english && fields.code !== 'en'
      ? { en: { confirmations: { optOut: english.confirmOptOut, optIn: english.confirmOptIn } } }
      : {}
  return {
    ...fields,
    name: languageName(fields.code),
    shipped: Object.hasOwn(DEFAULT_KEYWORDS, fields.code),
    defaultOptOut: confirmationFor('opt_out', fields.code, overrides),
    defaultOptIn: confirmationFor('opt_in', fields.code, overrides),
  }
}

/** The form as the page shows it: each language named, with its default replies. */
export function consentPageOf(form: ConsentForm) {
  const english = form.languages.find((language) => language.code === 'en')
  return {
    languages: form.languages.map((fields) => languageRow(fields, english)),
    added: languageRow(form.added, english),
    optOutButtons: form.optOutButtons,
    messagesPerSecond: form.messagesPerSecond,
  }
}

function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
}

function defaultsOf(code: string): { list?: KeywordList; confirmations?: Confirmations } {
  if (!Object.hasOwn(DEFAULT_KEYWORDS, code)) return {}
  const language = code as keyof typeof DEFAULT_KEYWORDS
  return { list: DEFAULT_KEYWORDS[language], confirmations: DEFAULT_CONFIRMATIONS[language] }
}

// Words are compared folded, as inbound texts are: "Cancel" or "cancél" for the default "cancel"
// is the same keyword, not an edit. A word typed twice (up to folding) is kept once.
function listEdit(defaults: readonly string[], text: string): ListEdit | undefined {
  const entered = new Map<string, string>()
  for (const word of linesOf(text)) {
    if (!entered.has(foldKeyword(word))) entered.set(foldKeyword(word), word)
  }
  const defaultFolds = new Set(defaults.map(foldKeyword))
  const add = [...entered].filter(([folded]) => !defaultFolds.has(folded)).map(([, word]) => word)
  const remove = defaults.filter((word) => !entered.has(foldKeyword(word)))
  if (add.length === 0 && remove.length === 0) return undefined
  return { ...(add.length > 0 && { add }), ...(remove.length > 0 && { remove }) }
}

// A blank reply, or one equal to the default, means "the default" and is not stored.
function confirmationsEdit(fields: LanguageFields, defaults: Confirmations | undefined) {
  const optOut = fields.confirmOptOut.trim()
  const optIn = fields.confirmOptIn.trim()
  const edit: Partial<Confirmations> = {
    ...(optOut !== '' && optOut !== defaults?.optOut && { optOut }),
    ...(optIn !== '' && optIn !== defaults?.optIn && { optIn }),
  }
  return Object.keys(edit).length > 0 ? edit : undefined
}

function languageOverride(fields: LanguageFields): LanguageOverride | undefined {
  const defaults = defaultsOf(fields.code)
  const optOut = listEdit(defaults.list?.optOut ?? [], fields.optOut)
  const optIn = listEdit(defaults.list?.optIn ?? [], fields.optIn)
  const confirmations = confirmationsEdit(fields, defaults.confirmations)
  if (!optOut && !optIn && !confirmations) return undefined
  return {
    ...(optOut && { optOut }),
    ...(optIn && { optIn }),
    ...(confirmations && { confirmations }),
  }
}

/** The overrides a form stands for: each language's lists diffed against the defaults. */
export function overridesFromForm(
  languages: readonly LanguageFields[],
): Record<string, LanguageOverride> {
  // fromEntries defines own properties, so a code such as "__proto__" cannot reach a prototype.
  return Object.fromEntries(
    languages.flatMap((fields) => {
      const override = languageOverride(fields)
      return override ? [[fields.code, override]] : []
    }),
  )
}

function addedLanguageProblems(form: ConsentForm): string[] {
  const { code, ...texts } = form.added
  const typed = Object.values(texts).some((text) => text.trim() !== '')
  if (code === '') return typed ? ['Give the new language a code, such as fr or pt-BR.'] : []
  if (form.languages.some((language) => language.code === code)) {
    return [`"${code}" is already listed: edit its words there.`]
  }
  if (linesOf(form.added.optOut).length + linesOf(form.added.optIn).length === 0) {
    return [`Add at least one opt-out or opt-in word for "${code}".`]
  }
  return []
}

function codeProblems(code: string): string[] {
  return LANGUAGE_CODE.test(code)
    ? []
    : [`"${code}" is not a language code: use a code such as fr, pt-BR or hi-Latn.`]
}

function overrideProblems([code, override]: [string, LanguageOverride]): string[] {
  const problems: string[] = []
  for (const [key, label] of [
    ['optOut', 'opt-out'],
    ['optIn', 'opt-in'],
  ] as const) {
    const added = override[key]?.add ?? []
    if (added.length > MAX_WORDS) {
      problems.push(`${code} ${label}: at most ${MAX_WORDS} words can be added.`)
    }
    for (const word of added.filter((w) => w.length > MAX_WORD_LENGTH)) {
      problems.push(
        `${code} ${label}: "${word.slice(0, 40)}…" is over ${MAX_WORD_LENGTH} characters.`,
      )
    }
  }
  for (const text of Object.values(override.confirmations ?? {})) {
    if (text.length > MAX_CONFIRMATION_LENGTH) {
      problems.push(`${code}: a reply is over ${MAX_CONFIRMATION_LENGTH} characters.`)
    }
  }
  return problems
}

function buttonProblems(buttons: readonly string[]): string[] {
  const problems = buttons
    .filter((button) => button.length > MAX_BUTTON_LENGTH)
    .map(
      (button) =>
        `Opt-out button "${button.slice(0, 40)}…" is over ${MAX_BUTTON_LENGTH} characters.`,
    )
  if (buttons.length > MAX_BUTTONS) problems.push(`At most ${MAX_BUTTONS} opt-out buttons.`)
  return problems
}

function parseMessagesPerSecond(text: string): number | undefined {
  const value = Number(text.trim())
  const valid = /^\d+$/.test(text.trim()) && value >= 1 && value <= MAX_MESSAGES_PER_SECOND
  return valid ? value : undefined
}

/** Checks a submitted form and turns it into what is saved; problems are worded for its author. */
export function readConsentForm(form: ConsentForm): ConsentFormResult {
  const languages = form.added.code === '' ? form.languages : [...form.languages, form.added]
  const overrides = overridesFromForm(languages)
  const optOutButtons = linesOf(form.optOutButtons)
  const messagesPerSecond = parseMessagesPerSecond(form.messagesPerSecond)
  const problems = [
    ...addedLanguageProblems(form),
    ...languages.flatMap((language) => codeProblems(language.code)),
    ...Object.entries(overrides).flatMap(overrideProblems),
    ...validateLists(mergeWorkspaceLists(DEFAULT_KEYWORDS, overrides)),
    ...buttonProblems(optOutButtons),
    ...(messagesPerSecond === undefined
      ? [`Messages per second must be a whole number from 1 to ${MAX_MESSAGES_PER_SECOND}.`]
      : []),
  ]
  if (problems.length > 0 || messagesPerSecond === undefined) return { ok: false, problems }
  return { ok: true, consent: { overrides, optOutButtons }, messagesPerSecond }
}
