import { createReplayGuard } from '@ledgerly/webhooks/idempotency'
import { fromNodeRedis, redisReplayGuard, redisStore } from '@ledgerly/webhooks-redis'
import { createClient } from 'redis'

const client = await createClient({ url: process.env.REDIS_URL }).connect()
export const store = redisStore({ client: fromNodeRedis(client) })
export const checkReplay = redisReplayGuard({ client: fromNodeRedis(client), toleranceSeconds: 300 })
// The same thing, spelled out: the core guard over any IdempotencyStore.
export const checkReplayToo = createReplayGuard({
  store: redisStore({ client: fromNodeRedis(client), prefix: 'ledgerly:webhooks:' }),
  toleranceSeconds: 300,
})
export const close = () => client.close()
