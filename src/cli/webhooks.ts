import type { JobDeps } from '../jobs/types.js'
import { AppError } from '../errors.js'
import { replayWebhookEvents } from '../webhooks/replay.js'
import { readFlags } from './args.js'

function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined
  const since = new Date(value)
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(since.getTime())) {
    throw new AppError('validation_failed', `--since must be an ISO date or time, not "${value}"`)
  }
  return since
}

/** `webhooks:replay [--since ISO] [--failed]`: reprocess stored webhook events, idempotently. */
export async function webhooksReplay(deps: JobDeps, argv: string[]) {
  const flags = readFlags(argv, { required: [], optional: ['since'], switches: ['failed'] })
  return replayWebhookEvents(deps, {
    since: parseSince(flags.since),
    onlyFailed: flags.switches.failed,
  })
}
