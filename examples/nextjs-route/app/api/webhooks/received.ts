// Where the route puts verified entries. Its own module because a Next.js route file may export only
// HTTP method handlers and route segment config: `next build` rejects any other export.
import type { LedgerEntryExport } from '@ledgerly/webhooks'

/** Verified entries, in arrival order; replace with your own code (a database write, a queue…). */
export const received: LedgerEntryExport[] = []
