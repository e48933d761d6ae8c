import type { SyncCounts } from './sync-templates.js'

function templatesWord(count: number): string {
  return count === 1 ? '1 template' : `${count} templates`
}

/** What the Templates page says after a sync: how many came, how many went. */
export function noticeOf({ synced, removed }: SyncCounts): string {
  const gone = removed > 0 ? `; removed ${templatesWord(removed)} Meta no longer lists` : ''
  return `Synced ${templatesWord(synced)} from Meta${gone}.`
}
