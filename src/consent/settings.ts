import { z } from 'zod'
import {
  DEFAULT_KEYWORDS,
  foldKeyword,
  mergeWorkspaceLists,
  type ConsentKeywordLists,
  type ConsentOverrides,
} from './rules.js'

/** The consent settings of one workspace, with defaults filled in. */
export interface WorkspaceConsent {
  /** The keyword lists in force: defaults with the workspace's edits. */
  readonly lists: ConsentKeywordLists
  readonly overrides: ConsentOverrides
  /** Quick-reply payloads or labels that stop marketing when a contact taps them. */
  readonly optOutButtons: readonly string[]
}

// Meta's own "Stop promotions" button arrives as a button message whose payload is its
// localised label (reference §8); a workspace adds the payloads of its own templates' buttons.
export const DEFAULT_OPT_OUT_BUTTONS = ['Stop promotions', 'Parar promoções'] as const

const words = z.array(z.string().max(100)).max(200)
const listEdit = z.object({ add: words.optional(), remove: words.optional() })
const languageOverride = z.object({
  optOut: listEdit.optional(),
  optIn: listEdit.optional(),
  confirmations: z
    .object({ optOut: z.string().max(4096).optional(), optIn: z.string().max(4096).optional() })
    .optional(),
})

/** A language code as workspaces write it: `fr`, `pt-BR`, `hi-Latn`. */
export const LANGUAGE_CODE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/

/** The shape of `settings.consent` in a workspace row. */
export const consentSettingsSchema = z.object({
  overrides: z.record(z.string().regex(LANGUAGE_CODE), languageOverride),
  optOutButtons: z.array(z.string().min(1).max(256)).max(50),
})

/**
 * The consent part of the workspace settings schema: anything missing or unreadable falls back
 * to the defaults.
 */
export const consentPart = z.unknown().optional().transform(consentOf)

const storedConsent = consentSettingsSchema.partial()

function consentOf(stored: unknown): WorkspaceConsent {
  const parsed = storedConsent.safeParse(stored ?? {})
  const overrides = (parsed.success ? parsed.data.overrides : undefined) ?? {}
  const optOutButtons = (parsed.success ? parsed.data.optOutButtons : undefined) ?? [
    ...DEFAULT_OPT_OUT_BUTTONS,
  ]
  // Folding every keyword of every language takes about a millisecond, and most readers of the
  // settings (each request's session, each send) never look at the lists.
  let lists: ConsentKeywordLists | undefined
  return {
    get lists() {
      lists ??= mergeWorkspaceLists(DEFAULT_KEYWORDS, overrides)
      return lists
    },
    overrides,
    optOutButtons,
  }
}

/** True when a tapped button's payload or label is one of the workspace's opt-out buttons. */
export function isOptOutButton(
  consent: WorkspaceConsent,
  button: { payload?: string | undefined; text?: string | undefined },
): boolean {
  const tapped = [button.payload, button.text].flatMap((v) => (v ? [foldKeyword(v)] : []))
  return consent.optOutButtons.some((b) => tapped.includes(foldKeyword(b)))
}

/** A workspace's consent settings as stored in `settings.consent`. */
export type ConsentSettings = z.infer<typeof consentSettingsSchema>
