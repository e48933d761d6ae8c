import { describe, expect, it } from 'vitest'
import { forwardedClient } from './client-info.js'

describe('forwardedClient', () => {
  it.each([
    { header: '203.0.113.5', hops: 1, client: '203.0.113.5', why: 'one proxy, honest client' },
    { header: '6.6.6.6, 203.0.113.5', hops: 1, client: '203.0.113.5', why: 'a forged first hop' },
    {
      header: '6.6.6.6, 203.0.113.5, 10.0.0.2',
      hops: 2,
      client: '203.0.113.5',
      why: 'two proxies',
    },
    { header: '203.0.113.5', hops: 2, client: '203.0.113.5', why: 'fewer hops than proxies' },
    { header: ' 6.6.6.6 ,, 203.0.113.5 ', hops: 1, client: '203.0.113.5', why: 'stray spaces' },
    { header: '', hops: 1, client: undefined, why: 'an empty header' },
    { header: undefined, hops: 1, client: undefined, why: 'no header' },
  ])('takes $client for $why', ({ header, hops, client }) => {
    expect(forwardedClient(header, hops)).toBe(client)
  })
})
