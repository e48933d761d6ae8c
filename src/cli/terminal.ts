import { AppError } from '../errors.js'

/** Where a command asks a person for a secret; a test passes its own. */
export interface Terminal {
  /** True when a person can answer (stdin is a TTY). */
  readonly interactive: boolean
  /** Reads one line without echoing it. */
  readSecret(prompt: string): Promise<string>
}

const ENTER = new Set(['\r', '\n', '\u0004'])
const ERASE = new Set(['\u007f', '\b'])
const INTERRUPT = '\u0003'

// Raw mode turns echo off; prompts go to stderr because stdout carries the command's JSON.
function readHidden(prompt: string): Promise<string> {
  const input = process.stdin
  process.stderr.write(prompt)
  input.setRawMode(true)
  input.setEncoding('utf8')
  input.resume()
  return new Promise((resolve, reject) => {
    let typed: string[] = []
    const finish = () => {
      input.off('data', onData)
      input.setRawMode(false)
      input.pause()
      process.stderr.write('\n')
    }
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === INTERRUPT) {
          finish()
          reject(new AppError('validation_failed', 'cancelled'))
          return
        }
        if (ENTER.has(char)) {
          finish()
          resolve(typed.join(''))
          return
        }
        typed = ERASE.has(char) ? typed.slice(0, -1) : [...typed, char]
      }
    }
    input.on('data', onData)
  })
}

/** The process's own terminal; stdin is only touched when a command asks. */
export const processTerminal: Terminal = {
  get interactive() {
    return process.stdin.isTTY
  },
  readSecret: readHidden,
}
