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

function maskPhonesDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(PHONE, maskPhone)
  if (depth > 6 || typeof value !== 'object' || value === null) return value
  if (value instanceof Error) return value
  if (Array.isArray(value)) return value.map((item) => maskPhonesDeep(item, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, maskPhonesDeep(item, depth + 1)]),
  )
}

/** The JSON logger: secrets and bodies redacted, phone numbers masked everywhere. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { log: (object) => maskPhonesDeep(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskPhonesDeep(arg) : arg))
          method.apply(this, masked as Parameters<typeof method>)
        },
      },
    },
    destination,
  )
}
