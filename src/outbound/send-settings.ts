import { DEFAULT_MESSAGES_PER_SECOND } from './dispatch.repo.js'

/** A workspace's throughput per second toward Meta: its setting, else Meta's default of 80. */
export function messagesPerSecondOf(settings: unknown): number {
  const value = (settings as { messagesPerSecond?: unknown } | null)?.messagesPerSecond
  return typeof value === 'number' && Number.isInteger(value) && value > 0
    ? value
    : DEFAULT_MESSAGES_PER_SECOND
}
