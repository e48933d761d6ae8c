/** What the console shows where a workspace that keeps no message content has no words. */
export const NOT_STORED_WORDS = 'Text not stored (privacy setting)'

// Types that always carry words: without them the only reason is the privacy setting, and an
// empty bubble would read as an empty message.
const WORDED_TYPES: ReadonlySet<string> = new Set(['text', 'template'])

/** A message's words as the console shows them: its own, or why it has none. */
export function shownWords(type: string | null, text: string | null): string | null {
  if (text !== null && text !== '') return text
  return type !== null && WORDED_TYPES.has(type) ? NOT_STORED_WORDS : null
}
