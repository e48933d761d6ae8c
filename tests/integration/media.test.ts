import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { seedWorkspace, TEST_ACCESS_TOKEN } from '../helpers/workspace.js'
import { fixtureFor, postWebhook } from '../helpers/webhooks.js'
import { ConsoleSession } from '../helpers/console-session.js'
import { FakeMetaGraph, graphError, type FakeMedia } from '../fakes/meta-graph.js'
import type { ParleyApp } from '../../src/app.js'
import { withSystem, withTenant } from '../../src/db/tenant.js'
import { messages, workspaces } from '../../src/db/schema.js'
import { processDueEvents } from '../../src/webhooks/process.js'
import { downloadMedia, type MediaJob } from '../../src/messages/download-media.js'
import { sweepPendingMedia } from '../../src/messages/sweep-media.js'
import type { JobDeps } from '../../src/jobs/types.js'
import type { WebhookPayload } from '../../src/whatsapp/cloud-api.js'

const MB = 1024 * 1024
const JPEG = Buffer.from('ffd8ffe000104a464946000101fake-jpeg-bytes', 'utf8')

let t: TestApp
let meta: FakeMetaGraph
let closeMeta: () => Promise<void>
let jobDeps: JobDeps
let app: ParleyApp
let mediaIds = 0

beforeAll(async () => {
  t = createTestApp()
  const { version } = t.jobDeps.graph
  meta = new FakeMetaGraph({ version, accessToken: TEST_ACCESS_TOKEN })
  const graph = await meta.start()
  closeMeta = () => graph.close()
  jobDeps = { ...t.jobDeps, graph: { baseUrl: graph.baseUrl, version } }
  app = t.app
})
afterAll(async () => {
  await closeMeta()
  await t.close()
})
afterEach(() => {
  expect(meta.problems).toEqual([])
})

type Workspace = Awaited<ReturnType<typeof seedWorkspace>>

/** A fixture readdressed to the workspace, its media id (and type) replaced, delivered and processed. */
async function receive(
  ws: Workspace,
  type: 'image' | 'document',
  media: FakeMedia | undefined,
  mimeType = media?.mimeType,
) {
  const mediaId = `9${Date.now()}${String(mediaIds++).padStart(4, '0')}`
  if (media) meta.addMedia(mediaId, media)
  const payload = JSON.parse(fixtureFor(type, ws.phoneNumberId)) as WebhookPayload
  const content = payload.entry[0]?.changes[0]?.value.messages?.[0]?.[type]
  if (!content) throw new Error(`fixture ${type} has no ${type} object`)
  content.id = mediaId
  if (mimeType) content.mime_type = mimeType
  expect((await postWebhook(t, JSON.stringify(payload))).status).toBe(200)
  await processDueEvents(t.jobDeps)
  const row = await messageOf(ws)
  return { mediaId, row, job: { workspaceId: ws.workspaceId, messageId: row.id } }
}

async function messageOf(ws: Workspace) {
  const [row] = await withTenant(t.deps.db, ws.workspaceId, (tx) => tx.select().from(messages))
  if (!row) throw new Error('no message recorded')
  return row
}

function jobsFor(job: MediaJob) {
  return t.jobs.payloadsOf('whatsapp.download-media').filter((p) => {
    const payload = p as MediaJob
    return payload.workspaceId === job.workspaceId && payload.messageId === job.messageId
  })
}

async function signedIn(ws: Workspace) {
  const session = new ConsoleSession(app)
  expect((await session.login(ws.users.sales.email)).status).toBe(303)
  return session
}

function filesUnder(ws: Workspace): string[] {
  const dir = join(jobDeps.dataDir, 'media', ws.workspaceId)
  return existsSync(dir) ? readdirSync(dir) : []
}

describe('inbound media', () => {
  it('downloads an image with the Bearer token and serves it to a sales user', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const { mediaId, job } = await receive(ws, 'image', { bytes: JPEG, mimeType: 'image/jpeg' })
    expect(jobsFor(job)).toHaveLength(1)
    await downloadMedia(jobDeps, job)

    const path = join('media', ws.workspaceId, job.messageId)
    expect(readFileSync(join(jobDeps.dataDir, path))).toEqual(JPEG)
    expect(await messageOf(ws)).toMatchObject({
      mediaState: 'stored',
      mediaPath: path,
      mediaBytes: JPEG.length,
    })
    const [lookup, download] = meta.requestsFor(mediaId)
    expect(lookup?.path).toBe(`/${jobDeps.graph.version}/${mediaId}`)
    expect(lookup?.query).toEqual({ phone_number_id: ws.phoneNumberId })
    expect(download?.path).toBe(`/media-files/${mediaId}`)

    const response = await (await signedIn(ws)).get(`/media/${job.messageId}`)
    expect(response.status).toBe(200)
    expect(Buffer.from(await response.arrayBuffer())).toEqual(JPEG)
    expect(response.headers.get('content-type')).toBe('image/jpeg')
    expect(response.headers.get('content-disposition')).toBe(
      `inline; filename="${job.messageId}.jpg"`,
    )
    expect(response.headers.get('cache-control')).toBe('private, max-age=3600')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('hides media from other workspaces and sends a visitor without a session to /login', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const other = await seedWorkspace(t.deps, 'Other')
    const { job } = await receive(ws, 'image', { bytes: JPEG, mimeType: 'image/jpeg' })
    await downloadMedia(jobDeps, job)
    expect((await (await signedIn(other)).get(`/media/${job.messageId}`)).status).toBe(404)
    const anonymous = await new ConsoleSession(app).get(`/media/${job.messageId}`)
    expect([302, 303]).toContain(anonymous.status)
    expect(anonymous.headers.get('location')).toBe(`/login?next=%2Fmedia%2F${job.messageId}`)
  })

  it('serves the same file to integrations with an API key of the workspace only', async () => {
    const ws = await seedWorkspace(t.deps, 'Media api')
    const other = await seedWorkspace(t.deps, 'Other api')
    const { job } = await receive(ws, 'image', { bytes: JPEG, mimeType: 'image/jpeg' })
    await downloadMedia(jobDeps, job)
    const path = `/api/v1/media/${job.messageId}`
    const withKey = (key: string) =>
      app.request(path, { headers: { authorization: `Bearer ${key}` } })
    const response = await withKey(ws.keys.sales)
    expect(response.status).toBe(200)
    expect(Buffer.from(await response.arrayBuffer())).toEqual(JPEG)
    expect((await withKey(other.keys.owner)).status).toBe(404)
    expect((await app.request(path)).status).toBe(401)
  })

  it('answers 404 for media not downloaded yet, a missing file and a malformed id', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const { job } = await receive(ws, 'image', { bytes: JPEG, mimeType: 'image/jpeg' })
    const session = await signedIn(ws)
    expect((await session.get(`/media/${job.messageId}`)).status).toBe(404)
    expect((await session.get('/media/not-a-uuid')).status).toBe(404)
    await withTenant(t.deps.db, ws.workspaceId, (tx) =>
      tx
        .update(messages)
        .set({ mediaState: 'stored', mediaPath: join('media', ws.workspaceId, 'gone') })
        .where(eq(messages.id, job.messageId)),
    )
    expect((await session.get(`/media/${job.messageId}`)).status).toBe(404)
  })

  it('serves a document declared as html as an opaque attachment', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const html = Buffer.from('<script>alert(document.cookie)</script>')
    const { job } = await receive(ws, 'document', { bytes: html, mimeType: 'text/html' })
    await downloadMedia(jobDeps, job)
    const response = await (await signedIn(ws)).get(`/media/${job.messageId}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/octet-stream')
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="${job.messageId}"`,
    )
    expect(Buffer.from(await response.arrayBuffer())).toEqual(html)
  })

  it('looks the media up again when the 5-minute download URL has expired', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const { mediaId, job } = await receive(ws, 'image', { bytes: JPEG, mimeType: 'image/jpeg' })
    meta.expireUrlOnce(mediaId)
    await downloadMedia(jobDeps, job)
    expect((await messageOf(ws)).mediaState).toBe('stored')
    expect(meta.requestsFor(mediaId).map((r) => r.path.split('/')[1])).toEqual([
      jobDeps.graph.version,
      'media-files',
      jobDeps.graph.version,
      'media-files',
    ])
  })

  it('marks an image over 5 MB too_large without fetching the file', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const big = { bytes: Buffer.alloc(6 * MB, 1), mimeType: 'image/jpeg' }
    const { mediaId, job } = await receive(ws, 'image', big)
    await downloadMedia(jobDeps, job)
    expect(await messageOf(ws)).toMatchObject({ mediaState: 'too_large', mediaPath: null })
    expect(meta.requestsFor(mediaId)).toHaveLength(1)
    expect(filesUnder(ws)).toEqual([])
  })

  it('cuts off a download that declared no size once it passes the limit, keeping nothing', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const big = { bytes: Buffer.alloc(6 * MB, 1), mimeType: 'image/jpeg', declareSize: false }
    const { job } = await receive(ws, 'image', big)
    await downloadMedia(jobDeps, job)
    expect((await messageOf(ws)).mediaState).toBe('too_large')
    expect(filesUnder(ws)).toEqual([])
  })

  it('marks media Meta does not know (code 100) as failed', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const { job } = await receive(ws, 'image', undefined, 'image/jpeg')
    await downloadMedia(jobDeps, job)
    expect((await messageOf(ws)).mediaState).toBe('failed')
  })

  it('keeps media pending and fails the job when Meta says to try later', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const { mediaId, job } = await receive(ws, 'image', { bytes: JPEG, mimeType: 'image/jpeg' })
    meta.failLookupOnce(mediaId, graphError(429, 130429, 'Rate limit hit'))
    await expect(downloadMedia(jobDeps, job)).rejects.toThrow(/130429|Rate limit/)
    expect((await messageOf(ws)).mediaState).toBe('pending')
    await downloadMedia(jobDeps, job)
    expect((await messageOf(ws)).mediaState).toBe('stored')
  })

  it('fails media of a workspace that has no access token', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const { mediaId, job } = await receive(ws, 'image', { bytes: JPEG, mimeType: 'image/jpeg' })
    await withSystem(t.deps.db, (tx) =>
      tx.update(workspaces).set({ accessTokenEnc: null }).where(eq(workspaces.id, ws.workspaceId)),
    )
    await downloadMedia(jobDeps, job)
    expect((await messageOf(ws)).mediaState).toBe('failed')
    expect(meta.requestsFor(mediaId)).toEqual([])
  })

  it('downloads once when the job runs twice', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const { mediaId, job } = await receive(ws, 'image', { bytes: JPEG, mimeType: 'image/jpeg' })
    await downloadMedia(jobDeps, job)
    await downloadMedia(jobDeps, job)
    expect(meta.requestsFor(mediaId)).toHaveLength(2)
    expect((await messageOf(ws)).mediaState).toBe('stored')
    expect(filesUnder(ws)).toEqual([job.messageId])
  })

  it('withholds media in privacy mode and enqueues no download', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    await withSystem(t.deps.db, (tx) =>
      tx
        .update(workspaces)
        .set({ settings: { storeMessageContent: false } })
        .where(eq(workspaces.id, ws.workspaceId)),
    )
    const { mediaId, row, job } = await receive(ws, 'image', {
      bytes: JPEG,
      mimeType: 'image/jpeg',
    })
    expect(row.mediaState).toBe('withheld')
    expect(jobsFor(job)).toEqual([])
    await downloadMedia(jobDeps, job)
    expect(meta.requestsFor(mediaId)).toEqual([])
  })
})

describe('pending media sweep', () => {
  it('re-enqueues a download pending for more than a minute', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const { job } = await receive(ws, 'image', { bytes: JPEG, mimeType: 'image/jpeg' })
    await sweepPendingMedia(jobDeps)
    expect(jobsFor(job)).toHaveLength(1)
    t.clock.advance(2 * 60_000)
    await sweepPendingMedia(jobDeps)
    expect(jobsFor(job)).toHaveLength(2)
    expect((await messageOf(ws)).mediaState).toBe('pending')
  })

  it('gives up on media still pending after the 7 days Meta keeps it', async () => {
    const ws = await seedWorkspace(t.deps, 'Media')
    const { job } = await receive(ws, 'image', { bytes: JPEG, mimeType: 'image/jpeg' })
    await withSystem(t.deps.db, (tx) =>
      tx
        .update(messages)
        .set({ createdAt: sql`now() - interval '8 days'` })
        .where(eq(messages.id, job.messageId)),
    )
    const report = await sweepPendingMedia(jobDeps)
    expect(report.expired).toBeGreaterThanOrEqual(1)
    expect((await messageOf(ws)).mediaState).toBe('failed')
    expect(jobsFor(job)).toHaveLength(1)
  })
})
