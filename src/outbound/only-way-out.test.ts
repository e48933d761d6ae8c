import { describe, expect, it } from 'vitest'
import { ESLint, type Linter } from 'eslint'
import tseslint from 'typescript-eslint'

const probe = `import { sendMessage } from '../whatsapp/graph-client.js'\nexport const send = sendMessage\n`

const RULE = '@typescript-eslint/no-restricted-imports'

// The project's own setting of the rule for that path, applied without type information.
async function restrictedImports(filePath: string): Promise<string[]> {
  const config = (await new ESLint().calculateConfigForFile(filePath)) as {
    rules: Record<string, Linter.RuleEntry>
  }
  const rule = config.rules[RULE]
  const [results] = await new ESLint({
    overrideConfigFile: true,
    overrideConfig: {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { '@typescript-eslint': tseslint.plugin },
      rules: rule === undefined ? {} : { [RULE]: rule },
    },
  }).lintText(probe, { filePath })
  return (results?.messages ?? []).map((m) => m.message)
}

describe('the lint rule that keeps the Graph client behind the send gate', () => {
  it('refuses the import outside src/outbound/', async () => {
    expect(await restrictedImports('src/contacts/probe.ts')).toEqual([
      expect.stringContaining('only through the send gate'),
    ])
  })

  it('allows it inside src/outbound/', async () => {
    expect(await restrictedImports('src/outbound/probe.ts')).toEqual([])
  })
})
