/**
 * `@ledgerly/webhooks-redis`: the `@ledgerly/webhooks/idempotency` store and replay guard on Redis, for
 * exactly-once webhook handling across processes and machines.
 *
 * @module
 */

export type { NodeRedisLike, RedisScriptClient } from './client.js'
export { fromNodeRedis } from './client.js'
export type { RedisStoreOptions } from './redis-store.js'
export { DEFAULT_PREFIX, redisStore } from './redis-store.js'
export type { RedisReplayGuardOptions } from './replay-guard.js'
export { DEFAULT_REPLAY_PREFIX, redisReplayGuard } from './replay-guard.js'
