import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { parse } from 'yaml'

const SPEC_ID = 'https://parley.invalid/openapi/whatsapp-cloud-api.yaml'
const spec = parse(
  readFileSync(new URL('../../openapi/whatsapp-cloud-api.yaml', import.meta.url), 'utf8'),
) as Record<string, unknown>

// The whole document goes in under an $id so every `#/components/schemas/...` $ref resolves;
// strict: false lets ajv skip the OpenAPI keywords around the schemas.
const ajv = new Ajv2020({ strict: false, allErrors: true })
ajv.addSchema({ ...spec, $id: SPEC_ID })

/**
 * A check against one schema of openapi/whatsapp-cloud-api.yaml: it lists each problem with a
 * value as `<JSON pointer> <message>`, and nothing when the value is valid.
 */
export function validatorFor(schemaName: string): (value: unknown) => string[] {
  const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`)
  if (!validate) throw new Error(`${schemaName} schema not found in the spec`)
  return (value) => {
    if (validate(value)) return []
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`)
  }
}
