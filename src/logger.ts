import { pino, type DestinationStream, type Logger } from 'pino'

// Keys whose values never reach a log line: secrets, credentials and message content.
const REDACTED_KEYS = [
  'password',
  'passwordHash',
  'token',
  'accessToken',
  'apiKey',
  'authorization',
  'cookie',
  'secret',
  'body',
  'text',
  'caption',
]
const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`])

// Eight or more digits with optional + and separators, standing alone (not inside an id).
const PHONE = /(?<![\w-])\+?\d[\d -]{6,}\d(?![\w-])/g

/** Shows the country code and the last five digits only: +91 ••••• 43210 style. */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '')
  if (digits.length < 8) return value
  const plus = value.trim().startsWith('+') ? '+' : ''
  return `${plus}${digits.slice(0, 2)} ••••• ${digits.slice(-5)}`
}

// A database error's fields that carry the query's values: drizzle's params, pg's detail
// ("Key (x)=(…) already exists"), where (the PL/pgSQL context) and internalQuery.
const VALUE_FIELDS = new Set(['params', 'parameters', 'values', 'detail', 'where', 'internalQuery'])
// drizzle puts the values in the message too: "Failed query: <sql>\nparams: <values>".
const PARAMS_LINE = /\nparams: [\s\S]*?(?=\n\s+at |$)/g

function withoutParams(text: unknown): unknown {
  return typeof text === 'string' ? text.replace(PARAMS_LINE, '\nparams: [redacted]') : text
}

/** An error as a log line shows it: no query values, phones masked in message and stack. */
function errorForLog(error: Error, depth: number): unknown {
  const plain = pino.stdSerializers.err(error) as unknown as Record<string, unknown>
  const kept = Object.entries(plain).filter(([key]) => !VALUE_FIELDS.has(key))
  const fields = kept.map(([key, item]) => [key, withoutParams(item)] as const)
  // pg's error (code, constraint, table) is drizzle's cause: kept, cleaned the same way.
  const { cause } = error
  const caused = cause instanceof Error ? { cause: maskPhonesDeep(cause, depth + 1) } : {}
  return maskPhonesDeep({ ...Object.fromEntries(fields), ...caused }, depth + 1)
}

function maskPhonesDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(PHONE, maskPhone)
  if (typeof value !== 'object' || value === null) return value
  // Past the limit nothing is walked, so nothing is shown: a raw error or number would leak.
  if (depth > 6) return '[too deep to log]'
  if (value instanceof Error) return errorForLog(value, depth)
  if (Array.isArray(value)) return value.map((item) => maskPhonesDeep(item, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, maskPhonesDeep(item, depth + 1)]),
  )
}

/**
 * The JSON logger: secrets and bodies redacted, phone numbers masked everywhere (errors too), and
 * no database error's query values.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { log: (object) => maskPhonesDeep(object) as Record<string, unknown> },
      // The formatter has already turned errors into safe plain objects; keep them as they are.
      serializers: { err: (value: unknown) => value },
      hooks: {
        logMethod(args, method) {
          // log.error(err) alone would take the raw message as the line's msg: say it safely.
          const [first] = args
          if (first instanceof Error && args.length === 1) args.push(first.message)
          const masked = args.map((arg) =>
            typeof arg === 'string' ? maskPhonesDeep(withoutParams(arg)) : arg,
          )
          method.apply(this, masked as Parameters<typeof method>)
        },
      },
    },
    destination,
  )
}
