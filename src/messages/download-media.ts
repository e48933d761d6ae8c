import type { JobDeps } from '../jobs/registry.js'

/** Placeholder replaced by the media download job (being written). */
export function downloadMedia(_deps: JobDeps, _job: { workspaceId: string; messageId: string }) {
  return Promise.resolve()
}
