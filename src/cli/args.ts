import { parseArgs } from 'node:util'
import { AppError } from '../errors.js'

/** Parses `--name value` flags; unknown flags and missing required ones are one-line errors. */
export function readFlags<K extends string, S extends string = never>(
  argv: string[],
  spec: { required: readonly K[]; optional?: readonly string[]; switches?: readonly S[] },
): Record<K, string> & Record<string, string | undefined> & { switches: Record<S, boolean> } {
  const names = [...spec.required, ...(spec.optional ?? [])]
  const switchOptions = (spec.switches ?? []).map((name) => [name, { type: 'boolean' as const }])
  let values: Record<string, unknown>
  try {
    values = parseArgs({
      args: argv,
      options: Object.fromEntries([
        ...names.map((name) => [name, { type: 'string' as const }]),
        ...switchOptions,
      ]) as Record<string, { type: 'string' | 'boolean' }>,
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
  const switches = Object.fromEntries(
    (spec.switches ?? []).map((name) => [name, values[name] === true]),
  ) as Record<S, boolean>
  return { ...(values as Record<K, string> & Record<string, string | undefined>), switches }
}
