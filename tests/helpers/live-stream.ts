import { expect } from 'vitest'
import type { ConsoleSession } from './console-session.js'

/** Opens the console's live stream as this session; `readUntil` reads until an event or 8 s. */
export async function openLiveStream(session: ConsoleSession) {
  const controller = new AbortController()
  const response = await session.request('/inbox/events', { signal: controller.signal })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toContain('text/event-stream')
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader()
  if (!reader) throw new Error('no stream')
  const decoder = new TextDecoder()
  let seen = ''
  return {
    seen: () => seen,
    async readUntil(wanted: string) {
      const deadline = Date.now() + 8000
      while (!seen.includes(wanted) && Date.now() < deadline) {
        const chunk = await reader.read()
        if (chunk.done) break
        seen += decoder.decode(chunk.value)
      }
      return seen.includes(wanted)
    },
    async close() {
      controller.abort()
      await reader.cancel().catch(() => undefined)
    },
  }
}
