import { describe, expect, it } from 'vitest'
import {
  auditsOf,
  CONNECT_TOKEN as TOKEN,
  CONNECT_VERSION as VERSION,
  META_NUMBER,
  useConnectSuite,
  workspaceRow,
  workspaceWithNumber,
} from '../helpers/whatsapp-connect.js'
import { graphError } from '../fakes/meta-graph.js'
import { isAppError } from '../../src/errors.js'
import { workspaceConnect } from '../../src/cli/commands.js'
import { describePhoneNumber } from '../../src/whatsapp/phone-numbers.js'
import { GraphError, GraphUnreachableError } from '../../src/whatsapp/graph-errors.js'

// The command's own process (flags, exit code, one line on stderr) is covered in cli.test.ts;
// here it runs in-process against the fake Meta.
const suite = useConnectSuite()
const withNumber = (label: string) => workspaceWithNumber(suite, label)
const row = (workspaceId: string) => workspaceRow(suite.t, workspaceId)
type Ws = Awaited<ReturnType<typeof withNumber>>

describe('parley workspace:connect', () => {
  const argv = (ws: Ws, extra: string[] = []) => [
    ...['--workspace', ws.workspaceId, '--phone-number-id', ws.newNumberId],
    ...['--access-token', TOKEN, ...extra],
  ]

  it('checks the number with Meta, stores it and prints the number', async () => {
    const ws = await withNumber('CLI')
    const printed = await workspaceConnect(
      suite.t.jobDeps,
      argv(ws, ['--waba-id', '102290129340398']),
    )
    expect(printed).toEqual({
      id: ws.workspaceId,
      phoneNumberId: ws.newNumberId,
      displayPhoneNumber: '+1 555-078-3881',
    })
    const stored = await row(ws.workspaceId)
    expect(suite.t.deps.cipher.decrypt(stored.accessTokenEnc ?? '')).toBe(TOKEN)
    expect(stored.wabaId).toBe('102290129340398')
    const [entry] = (await auditsOf(suite.t, ws.workspaceId)).filter(
      (e) => e.action === 'settings.whatsapp',
    )
    expect(entry).toMatchObject({ actorType: 'system', actorName: 'parley workspace:connect' })
    expect(JSON.stringify(entry)).not.toContain(TOKEN)
  })

  it('fails with one sentence and stores nothing when Meta refuses', async () => {
    const ws = await withNumber('CLI refused')
    const before = await row(ws.workspaceId)
    suite.meta.phoneNumbers.failOnce(ws.newNumberId, graphError(401, 190, 'Session has expired'))
    const failure = await workspaceConnect(suite.t.jobDeps, argv(ws)).catch((e: unknown) => e)
    expect(isAppError(failure, 'validation_failed')).toBe(true)
    expect((failure as Error).message).toMatch(/^Meta refused the access token \(error 190\)/)
    expect((failure as Error).message).not.toContain('\n')
    expect(await row(ws.workspaceId)).toEqual(before)
  })

  it('refuses a bad phone number id before asking Meta', async () => {
    const ws = await withNumber('CLI bad')
    const sent = suite.meta.requests.length
    const args = ['--workspace', ws.workspaceId, '--phone-number-id', '12', '--access-token', TOKEN]
    const failure = await workspaceConnect(suite.t.jobDeps, args).catch((e: unknown) => e)
    expect((failure as Error).message).toBe(
      'The phone number id must be 5 to 20 digits, as Meta shows it.',
    )
    expect(suite.meta.requests.length).toBe(sent)
  })
})

describe('describePhoneNumber', () => {
  const source = (phoneNumberId: string) => ({
    baseUrl: suite.graphUrl,
    version: VERSION,
    accessToken: TOKEN,
    phoneNumberId,
  })

  it('gives up after its timeout with GraphUnreachableError', async () => {
    suite.meta.phoneNumbers.add({ ...META_NUMBER, id: '5550001' })
    suite.meta.phoneNumbers.delayMs = 500
    try {
      const failure = await describePhoneNumber(source('5550001'), { timeoutMs: 50 }).catch(
        (e: unknown) => e,
      )
      expect(failure).toBeInstanceOf(GraphUnreachableError)
    } finally {
      suite.meta.phoneNumbers.delayMs = 0
    }
  })

  it('treats an answer without the number as a failed check', async () => {
    suite.meta.phoneNumbers.failOnce('5550002', { status: 200, body: { id: '5550002' } })
    const failure = await describePhoneNumber(source('5550002')).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(GraphError)
  })
})
