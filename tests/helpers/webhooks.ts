import { signBody } from '../../src/whatsapp/signature.js'
import { processDueEvents } from '../../src/webhooks/process.js'
import { TEST_WHATSAPP, type TestApp } from './app.js'
import { loadFixture } from './whatsapp-fixtures.js'

/** The phone_number_id every fixture is addressed to. */
export const FIXTURE_PHONE_NUMBER_ID = '106540352242922'

/** A fixture's raw text, readdressed to a workspace's business number. */
export function fixtureFor(name: string, phoneNumberId: string): string {
  return loadFixture(name).replaceAll(FIXTURE_PHONE_NUMBER_ID, phoneNumberId)
}

/** POSTs a body to the webhook as Meta would; `signature: null` sends no signature header. */
export async function postWebhook(
  t: Pick<TestApp, 'app'>,
  rawBody: string | Uint8Array,
  options: { signature?: string | null } = {},
) {
  const signature =
    options.signature === undefined ? signBody(rawBody, TEST_WHATSAPP.appSecret) : options.signature
  return await t.app.request('/webhooks/whatsapp', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(signature !== null && { 'X-Hub-Signature-256': signature }),
    },
    body: rawBody,
  })
}

/** Delivers fixtures to a workspace's number (each must get 200), then runs processing. */
export async function deliverFixtures(t: TestApp, phoneNumberId: string, ...names: string[]) {
  for (const name of names) {
    const response = await postWebhook(t, fixtureFor(name, phoneNumberId))
    if (response.status !== 200) throw new Error(`${name}: webhook answered ${response.status}`)
  }
  return processDueEvents(t.jobDeps)
}
