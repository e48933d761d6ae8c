import { readdirSync, readFileSync } from 'node:fs'

const DIR = new URL('../fixtures/whatsapp/', import.meta.url)

/** The raw text of a webhook fixture, by name without `.json` (raw so signatures can be computed). */
export function loadFixture(name: string): string {
  const file = name.endsWith('.json') ? name : `${name}.json`
  return readFileSync(new URL(file, DIR), 'utf8')
}

/** Names of every webhook fixture, without `.json`, sorted. */
export function fixtureNames(): string[] {
  return readdirSync(DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort()
}
