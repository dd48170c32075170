// Next.js App Router route handler: POST /api/webhooks. Works on the Node.js and the Edge runtime.
// The verifier is built on the first request, not at import: `next build` imports every route, and the
// build machine usually has no LEDGERLY_WEBHOOK_SECRET.
import { memoryStore } from '@ledgerly/webhooks/idempotency'
import { withLedgerlyWebhook } from '@ledgerly/webhooks-edge'
import { received } from './received'

// export const runtime = 'edge' // uncomment to run on the Edge runtime; nothing else changes.

type Handler = (request: Request) => Promise<Response>

let handleWebhook: Handler | undefined

function build(secret: string): Handler {
  return withLedgerlyWebhook(
    (webhook) => {
      if (webhook.event === 'entry_persisted') received.push(webhook.data)
      return Response.json({ ok: true })
    },
    // One store per server instance; use redisStore() from @ledgerly/webhooks-redis across instances.
    { secret, idempotency: { store: memoryStore() } },
  )
}

/** 500, not 4xx: the receiver is misconfigured, so Ledgerly must keep retrying until it is fixed. */
function secretMissing(): Response {
  console.error('Set LEDGERLY_WEBHOOK_SECRET to the secret configured in Ledgerly')
  return Response.json(
    {
      type: 'https://ledgerly.dev/webhooks/errors/internal-error',
      title: 'Webhook receiver not configured',
      status: 500,
      code: 'INTERNAL_ERROR',
      detail: 'LEDGERLY_WEBHOOK_SECRET is not set on the server',
    },
    { status: 500, headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' } },
  )
}

export function POST(request: Request): Promise<Response> | Response {
  if (!handleWebhook) {
    const secret = process.env.LEDGERLY_WEBHOOK_SECRET
    if (!secret) return secretMissing()
    handleWebhook = build(secret) // a malformed secret throws here: Next.js logs it and answers 500
  }
  return handleWebhook(request)
}
