import { describe, expect, it } from 'vitest'
import { mayManage, validateUser } from './rules.js'

const good = { email: ' Ana@Example.com ', name: '', password: 'long enough pw', role: 'sales' }

describe('validateUser', () => {
  it('normalises email, derives a name and strips phone punctuation', () => {
    const { user, problems } = validateUser({ ...good, phone: '+91 98765-43210' })
    expect(problems).toEqual([])
    expect(user).toEqual({
      email: 'ana@example.com',
      name: 'ana',
      password: 'long enough pw',
      role: 'sales',
      phone: '+919876543210',
    })
  })

  it.each([
    { field: { email: 'nope' }, problem: 'Email must look like name@example.com' },
    { field: { password: 'short' }, problem: 'Password must be at least 10 characters' },
    { field: { role: 'root' }, problem: 'Role must be one of owner, admin, manager, sales' },
    {
      field: { phone: '98765' },
      problem: 'Phone must be in international format, like +919876543210',
    },
  ])('rejects $problem', ({ field, problem }) => {
    const result = validateUser({ ...good, ...field })
    expect(result.problems).toEqual([problem])
    expect(result.user).toBeUndefined()
  })

  it('lists every problem at once', () => {
    expect(validateUser({ email: 'x', name: '', password: '', role: 'x' }).problems).toHaveLength(3)
  })
})

describe('mayManage', () => {
  it.each([
    ['owner', 'owner', true],
    ['admin', 'owner', false],
    ['admin', 'admin', true],
    ['admin', 'sales', true],
    ['manager', 'sales', false],
    ['sales', 'sales', false],
  ] as const)('%s managing %s → %s', (actor, target, allowed) => {
    expect(mayManage(actor, target)).toBe(allowed)
  })
})
