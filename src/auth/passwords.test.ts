import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from './passwords.js'

describe('password hashes', () => {
  it('are made at the production cost, N=2^15, r=8, p=1', async () => {
    const [scheme, n, r, p] = (await hashPassword('correct horse battery')).split('$')
    expect([scheme, n, r, p]).toEqual(['scrypt', '32768', '8', '1'])
  })

  it('are checked with the cost they were made with', async () => {
    const stored = await hashPassword('correct horse battery')
    expect(await verifyPassword('correct horse battery', stored)).toBe(true)
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false)
    expect(await verifyPassword('correct horse battery', 'bcrypt$x')).toBe(false)
  })
})
