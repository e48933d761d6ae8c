import { z } from 'zod'

/** Meta's default throughput per business number (reference §7). */
export const DEFAULT_MESSAGES_PER_SECOND = 80

/**
 * The `messagesPerSecond` part of the workspace settings schema: a workspace's throughput per
 * second toward Meta, its setting rounded down, else Meta's default of 80.
 */
export const messagesPerSecondPart = z
  .unknown()
  .optional()
  .transform((value) =>
    typeof value === 'number' && value >= 1 ? Math.floor(value) : DEFAULT_MESSAGES_PER_SECOND,
  )
