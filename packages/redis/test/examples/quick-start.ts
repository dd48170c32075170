import type { VerifiedWebhook } from '@ledgerly/webhooks'
import { runOnce } from '@ledgerly/webhooks/idempotency'
import { redisStore } from '@ledgerly/webhooks-redis'
import { Redis } from 'ioredis'

declare const webhook: VerifiedWebhook // what verifier.verify() resolved to (a full handler is below)
declare function saveEntry(entry: unknown): Promise<void> // your code

const store = redisStore({ client: new Redis(process.env.REDIS_URL!) })
const result = await runOnce(webhook, { store }, () => saveEntry(webhook.data))
console.log(result.outcome) // 'handled' | 'duplicate' | 'in-progress'
