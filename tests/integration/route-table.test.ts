import { afterAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.js'
import { declaredAccess } from '../../src/http/roles.js'

const t = createTestApp()
afterAll(() => t.close())

// Every route handler Hono knows, grouped by method and path; middleware mounted with use() is 'ALL'.
function routeGroups() {
  const groups = new Map<string, unknown[]>()
  for (const route of t.app.routes) {
    if (route.method === 'ALL') continue
    const key = `${route.method} ${route.path}`
    groups.set(key, [...(groups.get(key) ?? []), route.handler])
  }
  return groups
}

describe('the route table', () => {
  it('declares requireRole(...) or publicRoute() on every route', () => {
    const undeclared = [...routeGroups()]
      .filter(([, handlers]) => !handlers.some((handler) => declaredAccess(handler)))
      .map(([key]) => key)
    expect(undeclared).toEqual([])
  })

  it('has the routes the console and API promise', () => {
    const keys = [...routeGroups().keys()]
    for (const expected of [
      'GET /healthz',
      'GET /readyz',
      'GET /login',
      'POST /login',
      'POST /logout',
      'GET /users',
      'GET /contacts',
      'GET /contacts/:id',
      'POST /contacts/:id/opt-out',
      'POST /contacts/:id/opt-in',
      'GET /opt-outs',
      'GET /opt-outs.csv',
      'GET /audit',
    ]) {
      expect(keys).toContain(expected)
    }
    expect(keys.length).toBeGreaterThan(10)
  })

  it('gives the contacts and consent console routes their roles', () => {
    const groups = routeGroups()
    const accessOf = (key: string) => groups.get(key)?.map(declaredAccess).find(Boolean)
    expect({
      contacts: accessOf('GET /contacts'),
      contact: accessOf('GET /contacts/:id'),
      optOut: accessOf('POST /contacts/:id/opt-out'),
      optIn: accessOf('POST /contacts/:id/opt-in'),
      log: accessOf('GET /opt-outs'),
      csv: accessOf('GET /opt-outs.csv'),
      audit: accessOf('GET /audit'),
    }).toEqual({
      contacts: 'role:sales',
      contact: 'role:sales',
      optOut: 'role:sales',
      optIn: 'role:admin',
      log: 'role:admin',
      csv: 'role:admin',
      audit: 'role:admin',
    })
  })

  it('keeps the consent settings and the sending pause to owners and admins', () => {
    const groups = routeGroups()
    const accessOf = (key: string) => groups.get(key)?.map(declaredAccess).find(Boolean)
    for (const key of [
      'GET /settings/consent',
      'POST /settings/consent',
      'POST /settings/resume-sending',
    ]) {
      expect([key, accessOf(key)]).toEqual([key, 'role:admin'])
    }
  })

  it('keeps everything under /api behind a role', () => {
    const publicApi = [...routeGroups()]
      .filter(([key]) => key.includes(' /api/'))
      .filter(([, handlers]) => handlers.some((handler) => declaredAccess(handler) === 'public'))
    expect(publicApi).toEqual([])
  })
})
