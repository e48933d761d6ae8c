import { readFileSync } from 'node:fs'
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript'
import { describe, expect, it } from 'vitest'

const SPEC = new URL('../../openapi/whatsapp-cloud-api.yaml', import.meta.url)
const GENERATED = new URL('./generated/cloud-api.ts', import.meta.url)

describe('generated WhatsApp Cloud API types', () => {
  it('match openapi/whatsapp-cloud-api.yaml', async () => {
    // Same steps as the CLI behind `npm run whatsapp:types`: header + printed AST, no formatting.
    const fresh = COMMENT_HEADER + astToString(await openapiTS(SPEC, { silent: true }))
    const committed = readFileSync(GENERATED, 'utf8')
    expect(committed === fresh, 'types are stale: run npm run whatsapp:types').toBe(true)
  })
})
