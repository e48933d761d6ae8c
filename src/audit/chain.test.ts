import { describe, expect, it } from 'vitest'
import { entryHash, firstBrokenLink, GENESIS_HASH, type StoredEntry } from './chain.js'

function at(chain: StoredEntry[], index: number): StoredEntry {
  const entry = chain[index]
  if (!entry) throw new Error(`no entry ${index}`)
  return entry
}

function chainOf(count: number): StoredEntry[] {
  const entries: StoredEntry[] = []
  let prevHash = GENESIS_HASH
  for (let seq = 1; seq <= count; seq++) {
    const entry = {
      workspaceId: '7f0c5c1e-0000-4000-8000-000000000001',
      seq,
      at: new Date(Date.UTC(2026, 10, 1, 12, 0, seq)),
      actorType: 'user',
      actorId: '7f0c5c1e-0000-4000-8000-0000000000aa',
      actorName: 'olivia@example.test',
      ip: '203.0.113.7',
      action: 'consent.opt_out',
      recordType: 'contact',
      recordId: `contact-${seq}`,
      details: { reason: 'asked', scope: 'messaging' },
    }
    const hash = entryHash(prevHash, entry)
    entries.push({ ...entry, prevHash, hash })
    prevHash = hash
  }
  return entries
}

describe('the audit chain', () => {
  it('verifies an untouched chain, from the start or from a purge point', () => {
    const chain = chainOf(5)
    expect(firstBrokenLink(chain)).toBeUndefined()
    expect(firstBrokenLink(chain.slice(2))).toBeUndefined()
    expect(firstBrokenLink(chain.slice(3), chain[2])).toBeUndefined()
  })

  it('finds an edited entry', () => {
    const chain = chainOf(5)
    chain[2] = { ...at(chain, 2), details: { reason: 'changed later', scope: 'messaging' } }
    expect(firstBrokenLink(chain)).toEqual({ seq: 3, reason: 'edited' })
  })

  it('finds a deleted entry', () => {
    const chain = chainOf(5)
    chain.splice(1, 1)
    expect(firstBrokenLink(chain)).toEqual({ seq: 3, reason: 'missing_before' })
  })

  it('finds an entry rewritten with a fresh hash, by the link after it', () => {
    const chain = chainOf(4)
    const forged = { ...at(chain, 1), action: 'settings.privacy' }
    chain[1] = { ...forged, hash: entryHash(forged.prevHash, forged) }
    expect(firstBrokenLink(chain)).toEqual({ seq: 3, reason: 'relinked' })
  })

  it('hashes details the same whatever their key order', () => {
    const entry = at(chainOf(1), 0)
    const reordered = { ...entry, details: { scope: 'messaging', reason: 'asked' } }
    expect(entryHash(GENESIS_HASH, reordered)).toBe(entry.hash)
  })
})
