import { setTimeout as sleep } from 'node:timers/promises'
/** Polls `check` every 200 ms until it holds or `timeoutMs` passes; says which. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return true
    await sleep(200)
  }
  return false
}
