import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FakeMetaGraph, graphError } from '../fakes/meta-graph.js'
import { mostInAnyWindow } from '../fakes/meta-graph-sends.js'
import type { SendMessageRequest } from '../../src/whatsapp/cloud-api.js'
import { GraphError } from '../../src/whatsapp/graph-errors.js'
import {
  GraphUnreachableError,
  markRead,
  sendMessage,
  type GraphSender,
} from '../../src/whatsapp/graph-client.js'
import {
  buttonsMessage,
  listMessage,
  templateMessage,
  textMessage,
} from '../../src/whatsapp/send-bodies.js'

const VERSION = 'v26.0'
const TOKEN = 'graph-client-test-token'
const PHONE_NUMBER_ID = '106540352242922'
const ana = { phone: '+5511987654321' }

let meta: FakeMetaGraph
let sender: GraphSender
let closeMeta: () => Promise<void>

beforeAll(async () => {
  meta = new FakeMetaGraph({ version: VERSION, accessToken: TOKEN })
  const graph = await meta.start()
  closeMeta = () => graph.close()
  sender = {
    baseUrl: graph.baseUrl,
    version: VERSION,
    accessToken: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
  }
})
afterAll(async () => {
  await closeMeta()
})
afterEach(() => {
  meta.sendDelayMs = 0
  expect(meta.problems).toEqual([])
})

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((done) => {
    server.close(() => {
      done()
    })
  })
  return port
}

async function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.fail('the call succeeded'),
    (error: unknown) => error,
  )
}

describe('sendMessage', () => {
  it.each([
    ['text', textMessage(ana, 'Your visit is at 9:00', { previewUrl: false })],
    ['template', templateMessage(ana, { name: 'visit_reminder', language: 'pt_BR' })],
    [
      'buttons',
      buttonsMessage(ana, {
        body: 'Shall we confirm?',
        buttons: [
          { id: 'yes', title: 'Yes' },
          { id: 'no', title: 'No' },
        ],
      }),
    ],
    [
      'list',
      listMessage(ana, {
        body: 'Pick a time',
        button: 'Times',
        sections: [{ rows: [{ id: 'am', title: '9:00' }] }],
      }),
    ],
    ['reply', textMessage(ana, 'Yes, 9:00 works', { replyTo: 'wamid.INBOUND1' })],
  ])('posts a %s body Meta accepts and returns its wamid', async (_, body) => {
    const sent = await sendMessage(sender, body)

    const recorded = meta.sends.at(-1)
    expect(recorded).toMatchObject({ phoneNumberId: PHONE_NUMBER_ID, body, wamid: sent.wamid })
    expect(sent.wamid).toMatch(/^wamid\./)
    expect(sent.waId).toBe('5511987654321')
    const request = meta.requests.at(-1)
    expect(request?.path).toBe(`/${VERSION}/${PHONE_NUMBER_ID}/messages`)
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(request?.headers['content-type']).toBe('application/json')
  })

  it('passes on the template status Meta reports', async () => {
    const body = templateMessage(ana, { name: 'visit_reminder', language: 'en_US' })
    expect(await sendMessage(sender, body)).toMatchObject({ messageStatus: 'accepted' })
  })

  it('sends to a BSUID with `recipient`, and Meta names no wa_id then', async () => {
    const sent = await sendMessage(sender, textMessage({ bsuid: 'BR.1349120865530274' }, 'Hi'))
    expect(sent.waId).toBeUndefined()
    expect(meta.sendsTo('BR.1349120865530274')).toHaveLength(1)
  })

  it.each([
    [
      400,
      131047,
      'Re-engagement message',
      'Message failed to send because more than 24 hours have passed',
    ],
    [429, 130429, 'Rate limit hit', 'Cloud API message throughput has been reached.'],
    [401, 190, 'Error validating access token', undefined],
  ])('turns a %i answer with code %i into a GraphError', async (status, code, message, details) => {
    meta.failSends(graphError(status, code, message, details))
    const before = meta.sends.length

    const error = await failureOf(sendMessage(sender, textMessage(ana, 'Hello again')))

    expect(error).toBeInstanceOf(GraphError)
    expect(error).toMatchObject({ status, code, details })
    expect((error as GraphError).message).toContain(message)
    expect(meta.sends).toHaveLength(before)
    expect(meta.refusedSends.at(-1)?.body).toMatchObject({ text: { body: 'Hello again' } })
  })

  it('fails only the sends a scripted failure matches, as many times as asked', async () => {
    const toBia = (body: SendMessageRequest) => body.to === '+5511900000002'
    meta.failSends(graphError(400, 131056, 'Pair rate limit hit'), { times: 2, match: toBia })
    const bia = { phone: '+5511900000002' }

    await expect(sendMessage(sender, textMessage(bia, '1'))).rejects.toMatchObject({ code: 131056 })
    await expect(sendMessage(sender, textMessage(ana, '2'))).resolves.toHaveProperty('wamid')
    await expect(sendMessage(sender, textMessage(bia, '3'))).rejects.toMatchObject({ code: 131056 })
    await expect(sendMessage(sender, textMessage(bia, '4'))).resolves.toHaveProperty('wamid')
    expect(meta.sendsTo(bia.phone).map((s) => s.body.text?.body)).toEqual(['4'])
  })

  it('treats a 200 without a wamid as a GraphError with status 200 and no code', async () => {
    meta.failSends({ status: 200, body: { messaging_product: 'whatsapp', messages: [] } })
    const error = await failureOf(sendMessage(sender, textMessage(ana, 'Hi')))
    expect(error).toBeInstanceOf(GraphError)
    expect(error).toMatchObject({ status: 200, code: undefined })
  })

  it('turns an error answer that is not Graph JSON into a GraphError without a code', async () => {
    meta.failSends({ status: 502, body: '<html>Bad Gateway</html>' })
    const error = await failureOf(sendMessage(sender, textMessage(ana, 'Hi')))
    expect(error).toMatchObject({ name: 'GraphError', status: 502, code: undefined })
  })

  it('throws GraphUnreachableError when nothing listens', async () => {
    const nowhere = { ...sender, baseUrl: `http://127.0.0.1:${await closedPort()}` }
    const error = await failureOf(sendMessage(nowhere, textMessage(ana, 'Hi')))
    expect(error).toBeInstanceOf(GraphUnreachableError)
  })

  it('throws GraphUnreachableError on a timeout, though Meta may have the message', async () => {
    meta.sendDelayMs = 500
    const body = textMessage(ana, 'Slow')
    const error = await failureOf(sendMessage(sender, body, { timeoutMs: 50 }))
    expect(error).toBeInstanceOf(GraphUnreachableError)
    expect(meta.sends.at(-1)?.body).toEqual(body)
  })

  it('throws GraphUnreachableError when the caller cancels', async () => {
    meta.sendDelayMs = 500
    const controller = new AbortController()
    const sending = sendMessage(sender, textMessage(ana, 'Cancelled'), {
      signal: controller.signal,
    })
    setTimeout(() => {
      controller.abort()
    }, 20)
    expect(await failureOf(sending)).toBeInstanceOf(GraphUnreachableError)
  })
})

describe('markRead', () => {
  it('marks an inbound message read', async () => {
    await markRead(sender, 'wamid.INBOUND2')
    expect(meta.reads.at(-1)).toEqual({ phoneNumberId: PHONE_NUMBER_ID, wamid: 'wamid.INBOUND2' })
    expect(JSON.parse(meta.requests.at(-1)?.body ?? '')).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.INBOUND2',
    })
  })

  it('throws GraphUnreachableError when no answer comes in time', async () => {
    meta.sendDelayMs = 500
    const error = await failureOf(markRead(sender, 'wamid.INBOUND3', { timeoutMs: 50 }))
    expect(error).toBeInstanceOf(GraphUnreachableError)
  })
})

describe('the fake Graph API', () => {
  it('answers a body missing `type` with 400 code 100 and reports it', async () => {
    const body = { ...textMessage(ana, 'Hi'), type: undefined } as unknown as SendMessageRequest
    const error = await failureOf(sendMessage(sender, body))
    expect(error).toMatchObject({ status: 400, code: 100 })
    expect(meta.problems.splice(0)).toEqual([
      expect.stringMatching(/messages: \/ must have required property 'type'$/),
    ])
  })

  it('reports a send whose `type` names an object the body lacks', async () => {
    const body = { ...textMessage(ana, 'Hi'), type: 'template' } as SendMessageRequest
    await expect(sendMessage(sender, body)).rejects.toMatchObject({ code: 100 })
    expect(meta.problems.splice(0).join('\n')).toMatch(/must have required property 'template'/)
  })

  it('counts the most instants within any window', () => {
    expect(mostInAnyWindow([], 1000)).toBe(0)
    expect(mostInAnyWindow([1999, 0, 1000, 500, 999], 1000)).toBe(3)
    expect(mostInAnyWindow([0, 1000, 2000], 1000)).toBe(1)
    expect(mostInAnyWindow([5, 5, 5], 1)).toBe(3)
  })

  it('measures pacing over what it recorded', async () => {
    const paced = new FakeMetaGraph({ version: VERSION, accessToken: TOKEN })
    const graph = await paced.start()
    const here = { ...sender, baseUrl: graph.baseUrl }
    try {
      expect(paced.smallestGapToSameRecipient()).toBe(Number.POSITIVE_INFINITY)
      await sendMessage(here, textMessage(ana, '1'))
      await sendMessage(here, textMessage({ phone: '+5511900000003' }, '2'))
      expect(paced.smallestGapToSameRecipient()).toBe(Number.POSITIVE_INFINITY)
      await sendMessage(here, textMessage(ana, '3'))
      expect(paced.smallestGapToSameRecipient()).toBeLessThan(5_000)
      expect(paced.maxSendsInAnyWindow(PHONE_NUMBER_ID, 60_000)).toBe(3)
      expect(paced.maxSendsInAnyWindow('another-number', 60_000)).toBe(0)
      expect(paced.sendsTo(ana.phone)).toHaveLength(2)
      expect(paced.problems).toEqual([])
    } finally {
      await graph.close()
    }
  })
})
