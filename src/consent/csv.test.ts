import { describe, expect, it } from 'vitest'
import { CONSENT_CSV_HEADER, consentCsvLine, csvCell, csvLine } from './csv.js'
import type { ConsentEntry } from './consent-log.js'

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    [null, ''],
    [undefined, ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+16505551234', "'+16505551234"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['\tindent', "'\tindent"],
    ['=HYPERLINK("x"),y', '"\'=HYPERLINK(""x""),y"'],
    ['a=b', 'a=b'],
  ])('%j → %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected)
  })
})

describe('csvLine', () => {
  it('joins cells with commas and ends the record with CRLF', () => {
    expect(csvLine(['a', null, 'b,c'])).toBe('a,,"b,c"\r\n')
  })
})

const entry: ConsentEntry = {
  id: '0b5d4a9e-5e47-4f4c-9d0e-8a3a8f1f2c11',
  occurredAt: '2026-04-16T00:40:37.000Z',
  recordedAt: '2026-04-16T00:40:38.000Z',
  contact: { id: 'c1', name: 'Maya "Mo" Chen', phone: '+16505551234' },
  scope: 'messaging',
  method: 'keyword',
  keyword: 'stop',
  language: 'en',
  wamid: 'wamid.X=',
  actor: { type: 'contact', id: null, name: null },
  reason: null,
  previousState: 'subscribed',
  newState: 'opted_out',
  superseded: false,
}

describe('consent CSV', () => {
  it('has one header cell per column of a record', () => {
    expect(CONSENT_CSV_HEADER.split(',')).toHaveLength(
      consentCsvLine(entry, 'UTC').split(',').length,
    )
  })

  it('writes an entry in header order with quoting and formula defusing', () => {
    expect(consentCsvLine(entry, 'UTC')).toBe(
      '2026-04-16T00:40:37.000Z,2026-04-16T00:40:38.000Z,c1,"Maya ""Mo"" Chen",' +
        "'+16505551234,messaging,keyword,stop,en,wamid.X=,contact,,,subscribed,opted_out,no\r\n",
    )
  })

  it('writes times with the offset of the zone it is given', () => {
    const line = consentCsvLine(entry, 'Asia/Kolkata')
    expect(line.startsWith('2026-04-16T06:10:37.000+05:30,2026-04-16T06:10:38.000+05:30,')).toBe(
      true,
    )
  })

  it('leaves the contact cells empty for an erased contact and marks superseded entries', () => {
    const line = consentCsvLine({ ...entry, contact: null, superseded: true }, 'UTC')
    expect(line).toMatch(/^[^,]+,[^,]+,,,,messaging,/)
    expect(line.endsWith(',yes\r\n')).toBe(true)
  })
})
