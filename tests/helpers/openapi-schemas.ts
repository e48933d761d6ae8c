import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { parse } from 'yaml'

type Validator = (value: unknown) => string[]

// Each whole document goes in under an $id so every `#/components/schemas/...` $ref resolves;
// strict: false lets ajv skip the OpenAPI keywords around the schemas. Formats are not checked
// (ajv ships none without ajv-formats).
function specValidators(file: string): (schemaName: string) => Validator {
  const id = `https://parley.invalid/openapi/${file}`
  const spec = parse(
    readFileSync(new URL(`../../openapi/${file}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
  ajv.addSchema({ ...spec, $id: id })
  return (schemaName) => {
    const validate = ajv.getSchema(`${id}#/components/schemas/${schemaName}`)
    if (!validate) throw new Error(`${schemaName} schema not found in openapi/${file}`)
    return (value) => {
      if (validate(value)) return []
      return (validate.errors ?? []).map(
        (e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`,
      )
    }
  }
}

/**
 * A check against one schema of openapi/whatsapp-cloud-api.yaml: it lists each problem with a
 * value as `<JSON pointer> <message>`, and nothing when the value is valid.
 */
export const validatorFor = specValidators('whatsapp-cloud-api.yaml')

/** The same check against one schema of Parley's own API, openapi/parley-api.yaml. */
export const apiValidatorFor = specValidators('parley-api.yaml')
