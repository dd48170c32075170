import { createVerifier, isWebhookVerificationError } from '@ledgerly/webhooks'
import { runOnce } from '@ledgerly/webhooks/idempotency'
import { redisStore } from '@ledgerly/webhooks-redis'
import { Redis } from 'ioredis'

declare function saveEntry(entry: unknown): Promise<void> // your code

const store = redisStore({ client: new Redis(process.env.REDIS_URL!), prefix: 'billing:webhooks:' })
const verifier = createVerifier({ secret: process.env.LEDGERLY_WEBHOOK_SECRET! })

export async function POST(request: Request): Promise<Response> {
  try {
    const webhook = await verifier.verify({ payload: await request.arrayBuffer(), headers: request.headers })
    const result = await runOnce(webhook, { store, leaseMs: 30_000 }, () => saveEntry(webhook.data))
    if (result.outcome === 'in-progress') {
      // Another instance is handling this event right now: ask the sender to come back (never a 4xx).
      return new Response(null, { status: 503, headers: { 'retry-after': String(result.retryAfterSeconds) } })
    }
    return new Response(null, { status: 200 }) // 'handled' or 'duplicate'
  } catch (error) {
    if (isWebhookVerificationError(error)) return new Response(error.code, { status: error.status })
    return new Response(null, { status: 500 }) // the claim was released: the sender's retry runs it again
  }
}
