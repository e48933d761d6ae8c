// Reading the log file of a `parley serve` started by a bench: pino JSON lines, one per entry.
import { readFileSync } from 'node:fs'

// pino's numeric levels: 40 is warn, 50 is error.
const WARN = 40
const ERROR = 50

interface LogEntry {
  level?: number
  msg?: string
  err?: { message?: string }
}

function readLog(logFile: string): string | undefined {
  try {
    return readFileSync(logFile, 'utf8')
  } catch {
    return undefined
  }
}

/** The last lines of the server log, for failure messages ('' before the log exists). */
export function readLogTail(logFile: string, lines = 30): string {
  return (readLog(logFile) ?? '').trimEnd().split('\n').slice(-lines).join('\n')
}

function problemKey(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined
  try {
    const entry = JSON.parse(line) as LogEntry
    if ((entry.level ?? 0) < WARN) return undefined
    const level = (entry.level ?? 0) >= ERROR ? 'error' : 'warn'
    return `${level} ${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`
  } catch {
    return undefined // not a log line
  }
}

/** Distinct warning and error log messages (level, text) with how often each occurred. */
export function readLogProblems(logFile: string): string[] {
  const seen = new Map<string, number>()
  for (const line of (readLog(logFile) ?? '').split('\n')) {
    const key = problemKey(line)
    if (key !== undefined) seen.set(key, (seen.get(key) ?? 0) + 1)
  }
  return [...seen.entries()].map(([message, n]) => `${n}× ${message}`)
}
