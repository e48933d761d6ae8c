// The baseline for bench/webhooks.ts: a Hono server that does nothing but answer 200 "ok" to
// POST /webhooks/whatsapp. Run as its own process; prints {"port":N} once it listens.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono()
app.post('/webhooks/whatsapp', (c) => c.text('ok'))

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`)
})
process.on('SIGTERM', () => process.exit(0))
