import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { describe, it, expect } from 'vitest'
import { startEmbeddedPostgres } from '../../src/db/embedded.js'

async function withPool<T>(
  connectionString: string,
  fn: (pool: pg.Pool) => Promise<T>,
): Promise<T> {
  const pool = new pg.Pool({ connectionString, max: 5 })
  try {
    return await fn(pool)
  } finally {
    await pool.end()
  }
}

describe('startEmbeddedPostgres', () => {
  it(
    'serves several pool clients and keeps data across restarts',
    { timeout: 60_000 },
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-embedded-'))

      const first = await startEmbeddedPostgres(dataDir)
      expect(first.connectionString).toMatch(
        /^postgres:\/\/postgres:[\w-]+@127\.0\.0\.1:\d+\/postgres$/,
      )
      await withPool(first.connectionString, async (pool) => {
        const server = await pool.query<{ v: number; listen: string; ctype: string }>(
          `select current_setting('server_version_num')::int as v,
            current_setting('listen_addresses') as listen, current_setting('lc_ctype') as ctype`,
        )
        expect(server.rows[0]?.v).toBeGreaterThanOrEqual(150000)
        expect(server.rows[0]?.v).toBeLessThan(160000)
        expect(server.rows[0]?.listen).toBe('127.0.0.1')
        await pool.query('create table notes (id int primary key, body text not null)')
        const [a, b] = await Promise.all([pool.connect(), pool.connect()])
        try {
          await Promise.all([
            a.query('insert into notes values ($1, $2)', [1, 'from a']),
            b.query('insert into notes values ($1, $2)', [2, 'from b']),
          ])
          const [ra, rb] = await Promise.all([
            a.query<{ n: number }>('select count(*)::int as n from notes'),
            b.query<{ body: string }>('select body from notes where id = 1'),
          ])
          expect(ra.rows[0]?.n).toBe(2)
          expect(rb.rows[0]?.body).toBe('from a')
        } finally {
          a.release()
          b.release()
        }
      })
      await first.stop()

      const second = await startEmbeddedPostgres(dataDir)
      await withPool(second.connectionString, async (pool) => {
        const rows = await pool.query<{ id: number; body: string }>(
          'select id, body from notes order by id',
        )
        expect(rows.rows).toEqual([
          { id: 1, body: 'from a' },
          { id: 2, body: 'from b' },
        ])
      })
      const withoutPassword = new URL(second.connectionString)
      withoutPassword.password = 'wrong'
      await expect(
        withPool(withoutPassword.toString(), (pool) => pool.query('select 1')),
      ).rejects.toThrow(/password authentication failed/)
      expect(fs.statSync(path.join(dataDir, 'postgres.password')).mode & 0o777).toBe(0o600)
      await second.stop()
      await second.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  )
})
