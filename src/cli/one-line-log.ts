import type { DestinationStream } from 'pino'

interface LogLine {
  readonly level?: number
  readonly msg?: unknown
  readonly err?: { readonly message?: unknown }
}

// pino's numbers: 50 error, 60 fatal.
const ERROR_LEVEL = 50

function firstLine(value: unknown): string {
  return String(value).split('\n')[0] ?? ''
}

/** One log entry as an operator reads it on a terminal: what happened and, briefly, why. */
export function oneLine(json: string): string {
  const entry = JSON.parse(json) as LogLine
  const kind = (entry.level ?? 0) >= ERROR_LEVEL ? 'error' : 'warning'
  const why = entry.err?.message === undefined ? '' : ` (${firstLine(entry.err.message)})`
  return `parley: ${kind}: ${firstLine(entry.msg)}${why}\n`
}

/**
 * Where a command's logs go: stderr, one line per entry instead of pino's JSON with the error's
 * stack. Entries reach it after redaction and phone masking, like any log.
 */
export function oneLineLog(
  write: (text: string) => void = (text) => process.stderr.write(text),
): DestinationStream {
  return {
    write: (json: string) => {
      write(oneLine(json))
    },
  }
}
