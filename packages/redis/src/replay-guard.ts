import { createReplayGuard, type ReplayGuard } from '@ledgerly/webhooks/idempotency'
import type { RedisScriptClient } from './client.js'
import { redisStore } from './redis-store.js'

/**
 * Default key prefix of {@link redisReplayGuard}. The guard's own keys start with `replay:`, so a sighting
 * is stored under `ledgerly:webhooks:replay:<scheme>:<digest>`.
 *
 * @example
 * ```ts
 * redisReplayGuard({ client, prefix: `${DEFAULT_REPLAY_PREFIX}billing:` })
 * ```
 */
export const DEFAULT_REPLAY_PREFIX = 'ledgerly:webhooks:'

/**
 * Options of {@link redisReplayGuard}.
 *
 * @example
 * ```ts
 * const options: RedisReplayGuardOptions = { client: new Redis(url), toleranceSeconds: 300 }
 * ```
 */
export interface RedisReplayGuardOptions {
  /** An ioredis 5 client, `fromNodeRedis(client)`, or any {@link RedisScriptClient}. */
  client: RedisScriptClient
  /** Prefix of every key (default `ledgerly:webhooks:`; the guard's keys then read `ledgerly:webhooks:replay:…`). */
  prefix?: string
  /** The verifier's tolerance in seconds (default 300): sightings are kept 2 × tolerance + 1 s. */
  toleranceSeconds?: number
}

/**
 * `createReplayGuard` from `@ledgerly/webhooks/idempotency` backed by Redis, so a request replayed to a
 * different instance is caught too. It takes what `verify()` or `verifySignature()` returned. Answer a
 * replay with 503 and `Retry-After`, never a 4xx: a genuine retry re-signed within the same second as the
 * attempt before it is byte-identical, so it is reported as a replay too, and the Ledgerly sender drops an
 * event for good on a 4xx. Asked again later, it comes back with a fresh timestamp and is no replay.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * import { redisReplayGuard } from '@ledgerly/webhooks-redis'
 *
 * const checkReplay = redisReplayGuard({ client: new Redis(process.env.REDIS_URL!), toleranceSeconds: 300 })
 * if ((await checkReplay(webhook)) === 'replay') {
 *   return new Response(null, { status: 503, headers: { 'retry-after': '1' } }) // never a 4xx
 * }
 * ```
 */
export function redisReplayGuard(options: RedisReplayGuardOptions): ReplayGuard {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('redisReplayGuard: options { client } are required')
  }
  const store = redisStore({ client: options.client, prefix: options.prefix ?? DEFAULT_REPLAY_PREFIX })
  return createReplayGuard({ store, toleranceSeconds: options.toleranceSeconds })
}
