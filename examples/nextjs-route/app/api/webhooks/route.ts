// Next.js App Router route handler: POST /api/webhooks. Works on the Node.js and the Edge runtime.
import type { LedgerEntryExport } from '@ledgerly/webhooks'
import { memoryStore } from '@ledgerly/webhooks/idempotency'
import { withLedgerlyWebhook } from '@ledgerly/webhooks-edge'

// export const runtime = 'edge' // uncomment to run on the Edge runtime; nothing else changes.

const secret = process.env.LEDGERLY_WEBHOOK_SECRET
if (!secret) throw new Error('Set LEDGERLY_WEBHOOK_SECRET to the secret configured in Ledgerly')

/** Where verified entries go; replace with your own code (a database write, a queue…). */
export const received: LedgerEntryExport[] = []

export const POST = withLedgerlyWebhook(
  (webhook) => {
    if (webhook.event === 'entry_persisted') received.push(webhook.data)
    return Response.json({ ok: true })
  },
  // One store per server instance; use redisStore() from @ledgerly/webhooks-redis across instances.
  { secret, idempotency: { store: memoryStore() } },
)
