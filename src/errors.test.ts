import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ERRORS, problemBody } from './errors.js'

interface Spec {
  components: { schemas: { ErrorCode: { enum: string[]; 'x-status': Record<string, number> } } }
}

const spec = parse(
  readFileSync(new URL('../openapi/parley-api.yaml', import.meta.url), 'utf8'),
) as Spec
const documented = spec.components.schemas.ErrorCode

describe('the error catalog', () => {
  it('lists the same codes as openapi/', () => {
    expect([...documented.enum].sort()).toEqual(Object.keys(ERRORS).sort())
  })

  it('gives each code the status openapi/ documents', () => {
    const statuses = Object.fromEntries(Object.entries(ERRORS).map(([code, e]) => [code, e.status]))
    expect(documented['x-status']).toEqual(statuses)
  })

  it('builds an RFC 9457 body with the machine code', () => {
    expect(problemBody('forbidden', 'Only owners')).toEqual({
      type: '/problems/forbidden',
      title: 'Your role does not allow this',
      status: 403,
      code: 'forbidden',
      detail: 'Only owners',
    })
  })
})
