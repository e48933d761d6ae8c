import { DEFAULT_MESSAGES_PER_SECOND } from './dispatch.repo.js'

/**
 * A workspace's throughput per second toward Meta: its setting rounded down, else Meta's default
 * of 80 (the dispatcher's claim query applies the same rule in SQL).
 */
export function messagesPerSecondOf(settings: unknown): number {
  const value = (settings as { messagesPerSecond?: unknown } | null)?.messagesPerSecond
  return typeof value === 'number' && value >= 1 ? Math.floor(value) : DEFAULT_MESSAGES_PER_SECOND
}
