import { createHash } from 'node:crypto'

/** The `prev_hash` of a workspace's first entry. */
export const GENESIS_HASH = '0'.repeat(64)

/** The fields of an entry that its hash covers. */
export interface ChainedEntry {
  readonly workspaceId: string
  readonly seq: number
  readonly at: Date
  readonly actorType: string
  readonly actorId: string | null
  readonly actorName: string | null
  readonly ip: string | null
  readonly action: string
  readonly recordType: string | null
  readonly recordId: string | null
  readonly details: Record<string, unknown>
}

// Key order must not change the hash: objects are written with sorted keys, at every depth.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value ?? null)
}

/** The hash of an entry chained to the one before it (SHA-256, hex). */
export function entryHash(prevHash: string, entry: ChainedEntry): string {
  const fields = [
    entry.workspaceId,
    entry.seq,
    entry.at.toISOString(),
    entry.actorType,
    entry.actorId,
    entry.actorName,
    entry.ip,
    entry.action,
    entry.recordType,
    entry.recordId,
    entry.details,
  ]
  return createHash('sha256').update(prevHash).update('\n').update(canonical(fields)).digest('hex')
}

/** A link of a stored chain: the entry, the hash it stored, and the previous hash it stored. */
export interface StoredEntry extends ChainedEntry {
  readonly prevHash: string
  readonly hash: string
}

/** Where a chain breaks, and why. */
export interface BrokenLink {
  readonly seq: number
  readonly reason: 'edited' | 'missing_before' | 'relinked'
}

/**
 * Checks a workspace's entries in `seq` order, continuing from `previous` (the last entry of
 * the page before, if any). The oldest remaining entry is trusted as the start: the yearly
 * purge removes what came before it. Returns the first broken link.
 */
export function firstBrokenLink(
  entries: readonly StoredEntry[],
  previous?: StoredEntry,
): BrokenLink | undefined {
  let before = previous
  for (const entry of entries) {
    if (entryHash(entry.prevHash, entry) !== entry.hash) return { seq: entry.seq, reason: 'edited' }
    if (before && entry.seq !== before.seq + 1) return { seq: entry.seq, reason: 'missing_before' }
    if (before && entry.prevHash !== before.hash) return { seq: entry.seq, reason: 'relinked' }
    before = entry
  }
  return undefined
}
