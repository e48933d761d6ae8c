import { describe, expect, it } from 'vitest'
import { MAX_INBOUND_MEDIA_BYTES, mediaByteLimit, mediaServing } from './media-limits.js'

const MB = 1024 * 1024

describe('mediaByteLimit', () => {
  it.each([
    ['image', 5 * MB],
    ['video', 16 * MB],
    ['audio', 16 * MB],
    ['document', 100 * MB],
    ['sticker', 500 * 1024],
    ['something-new', MAX_INBOUND_MEDIA_BYTES],
  ])('allows a %s up to %i bytes', (type, limit) => {
    expect(mediaByteLimit(type)).toBe(limit)
  })

  it('never allows more than Meta accepts inbound (100 MB)', () => {
    expect(MAX_INBOUND_MEDIA_BYTES).toBe(100 * MB)
  })
})

describe('mediaServing', () => {
  const id = '0b6f3a52-55d1-4c8e-9a0e-3f1f3b1c2d4e'

  it.each([
    ['image/jpeg', 'image/jpeg', `inline; filename="${id}.jpg"`],
    ['image/png', 'image/png', `inline; filename="${id}.png"`],
    ['image/webp', 'image/webp', `inline; filename="${id}.webp"`],
    ['video/mp4', 'video/mp4', `inline; filename="${id}.mp4"`],
    ['audio/ogg; codecs=opus', 'audio/ogg', `inline; filename="${id}.ogg"`],
    ['Audio/MPEG', 'audio/mpeg', `inline; filename="${id}.mp3"`],
  ])('shows %s inline as %s', (mimeType, contentType, disposition) => {
    expect(mediaServing(mimeType, id)).toEqual({ contentType, disposition })
  })

  it.each([
    ['text/html', `attachment; filename="${id}"`],
    ['image/svg+xml', `attachment; filename="${id}"`],
    ['application/xhtml+xml', `attachment; filename="${id}"`],
    ['text/xml', `attachment; filename="${id}"`],
    ['application/javascript', `attachment; filename="${id}"`],
    ['text/javascript', `attachment; filename="${id}"`],
    ['image/gif', `attachment; filename="${id}"`],
    ['', `attachment; filename="${id}"`],
    [null, `attachment; filename="${id}"`],
    ['application/pdf', `attachment; filename="${id}.pdf"`],
    ['text/plain', `attachment; filename="${id}.txt"`],
  ])('sends %s as an opaque download: %s', (mimeType, disposition) => {
    expect(mediaServing(mimeType, id)).toEqual({
      contentType: 'application/octet-stream',
      disposition,
    })
  })

  it('keeps the file name safe to quote in a header', () => {
    expect(mediaServing('image/png', 'a"b\r\nc').disposition).toBe('inline; filename="a_b__c.png"')
  })
})
