import { parseArgs } from 'node:util'
import { AppError } from '../errors.js'

/** Parses `--name value` flags; unknown flags and missing required ones are one-line errors. */
export function readFlags<K extends string>(
  argv: string[],
  spec: { required: readonly K[]; optional?: readonly string[] },
): Record<K, string> & Record<string, string | undefined> {
  const names = [...spec.required, ...(spec.optional ?? [])]
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: argv,
      options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    throw new AppError('validation_failed', (error as Error).message.split('\n')[0])
  }
  const missing = spec.required.filter(
    (name) => typeof values[name] !== 'string' || values[name] === '',
  )
  if (missing.length > 0) {
    throw new AppError('validation_failed', `missing ${missing.map((m) => `--${m}`).join(', ')}`)
  }
  return values as Record<K, string> & Record<string, string | undefined>
}
