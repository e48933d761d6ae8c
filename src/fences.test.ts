import { describe, expect, it } from 'vitest'
import { ESLint, type Linter } from 'eslint'
import tseslint from 'typescript-eslint'

// The fence rules of eslint.config.js. Type information is left out: the probes are not files of
// the project, and no fence needs it.
const FENCE_RULES = [
  '@typescript-eslint/no-restricted-imports',
  'no-restricted-globals',
  'no-restricted-properties',
  'no-restricted-syntax',
]

const project = new ESLint()

/** What the project's own fence rules for `filePath` say about `code` placed there. */
async function fenceMessages(code: string, filePath: string): Promise<string[]> {
  const config = (await project.calculateConfigForFile(filePath)) as {
    rules: Record<string, Linter.RuleEntry>
  }
  const rules = Object.fromEntries(
    FENCE_RULES.flatMap((name) => {
      const entry = config.rules[name]
      return entry === undefined ? [] : [[name, entry]]
    }),
  )
  const [results] = await new ESLint({
    overrideConfigFile: true,
    overrideConfig: {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { '@typescript-eslint': tseslint.plugin },
      rules,
    },
  }).lintText(code, { filePath })
  return (results?.messages ?? []).map((m) => m.message)
}

const sendImport = `import { sendMessage } from '../whatsapp/graph-client.js'\nexport const s = sendMessage\n`
const readImport = `import { markRead } from '../whatsapp/graph-client.js'\nexport const r = markRead\n`

describe('the send call: only src/outbound/deliver.ts imports it', () => {
  it('refuses it anywhere else, the rest of src/outbound/ and src/whatsapp/ included', async () => {
    for (const file of ['src/contacts/probe.ts', 'src/outbound/mark-read.ts']) {
      expect(await fenceMessages(sendImport, file)).toEqual([
        expect.stringContaining('only through the send gate'),
      ])
    }
    const sibling = `import { sendMessage } from './graph-client.js'\nexport const s = sendMessage\n`
    expect(await fenceMessages(sibling, 'src/whatsapp/probe.ts')).toEqual([
      expect.stringContaining('only through the send gate'),
    ])
  })

  it('refuses the ways around a named import: namespace, re-export, dynamic import', async () => {
    const file = 'src/outbound/probe.ts'
    const namespace = `import * as graph from '../whatsapp/graph-client.js'\nexport const g = graph\n`
    expect(await fenceMessages(namespace, file)).toEqual([
      expect.stringContaining('only through the send gate'),
      expect.stringContaining('only by the mark-read job'),
    ])
    const reExport = `export { sendMessage } from '../whatsapp/graph-client.js'\n`
    expect(await fenceMessages(reExport, file)).toEqual([
      expect.stringContaining('only through the send gate'),
    ])
    const dynamic = `export const g = import('../whatsapp/graph-client.js')\n`
    expect(await fenceMessages(dynamic, file)).toEqual([expect.stringContaining('Static imports')])
  })

  it("allows it in deliver.ts, and the module's types and errors everywhere", async () => {
    expect(await fenceMessages(sendImport, 'src/outbound/deliver.ts')).toEqual([])
    const shared = `import { GraphUnreachableError, type SentMessage } from '../whatsapp/graph-client.js'\nexport type S = SentMessage\nexport const e = GraphUnreachableError\n`
    expect(await fenceMessages(shared, 'src/outbound/record-result.ts')).toEqual([])
  })
})

describe('the read receipt: only src/outbound/mark-read.ts imports it', () => {
  it('refuses it anywhere else, deliver.ts included', async () => {
    for (const file of ['src/inbox/probe.ts', 'src/outbound/deliver.ts']) {
      expect(await fenceMessages(readImport, file)).toEqual([
        expect.stringContaining('only by the mark-read job'),
      ])
    }
  })

  it('allows it in mark-read.ts', async () => {
    expect(await fenceMessages(readImport, 'src/outbound/mark-read.ts')).toEqual([])
  })
})

describe('fetch and HTTP clients: only the adapter folders call other services', () => {
  const calls = [
    `export const r = fetch('https://example.com')\n`,
    `export const r = globalThis.fetch('https://example.com')\n`,
  ]

  it('refuses it outside them', async () => {
    for (const code of calls) {
      expect(await fenceMessages(code, 'src/inbox/probe.ts')).toEqual([
        expect.stringContaining('Only the adapters'),
      ])
    }
  })

  it("refuses fetch's siblings, the HTTP client modules, outside them", async () => {
    const request = `import { request } from 'node:https'\nexport const r = request\n`
    expect(await fenceMessages(request, 'src/inbox/probe.ts')).toEqual([
      expect.stringContaining('Only the adapters'),
    ])
    expect(await fenceMessages(request, 'src/whatsapp/probe.ts')).toEqual([])
  })

  it('allows it in src/whatsapp/, and a local named fetch anywhere', async () => {
    for (const code of calls) expect(await fenceMessages(code, 'src/whatsapp/probe.ts')).toEqual([])
    const local = `export function f(fetch: () => void) {\n  fetch()\n}\n`
    expect(await fenceMessages(local, 'src/inbox/probe.ts')).toEqual([])
  })
})

describe('withSystem: only the files on the allowlist import it', () => {
  const probe = `import { withSystem } from '../db/tenant.js'\nexport const w = withSystem\n`

  it('refuses it elsewhere, and names the allowlist', async () => {
    expect(await fenceMessages(probe, 'src/inbox/probe.ts')).toEqual([
      expect.stringContaining('WITH_SYSTEM_USERS'),
    ])
  })

  it('allows it on the list, and withTenant everywhere', async () => {
    expect(await fenceMessages(probe, 'src/auth/login.ts')).toEqual([])
    const tenant = `import { withTenant } from '../db/tenant.js'\nexport const w = withTenant\n`
    expect(await fenceMessages(tenant, 'src/inbox/probe.ts')).toEqual([])
  })
})

describe('the data layer: only src/db/ opens connections', () => {
  const probe = `import pg from 'pg'\nexport const p = pg\n`

  it('refuses pg elsewhere', async () => {
    expect(await fenceMessages(probe, 'src/inbox/probe.ts')).toEqual([
      expect.stringContaining('Only src/db/'),
    ])
  })

  it('allows it in src/db/, where the other fences still hold', async () => {
    expect(await fenceMessages(probe, 'src/db/probe.ts')).toEqual([])
    expect(await fenceMessages(sendImport, 'src/db/probe.ts')).toEqual([
      expect.stringContaining('only through the send gate'),
    ])
  })
})
