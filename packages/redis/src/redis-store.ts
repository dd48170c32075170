import { randomUUID } from 'node:crypto'
import type { ClaimResult, IdempotencyStore } from '@ledgerly/webhooks/idempotency'
import { MAX_DURATION_MS, MAX_KEY_LENGTH } from '@ledgerly/webhooks/idempotency'
import type { RedisScriptClient } from './client.js'
import { CLAIM, COMPLETE, RELEASE, runScript } from './scripts.js'

/**
 * Default key prefix: every key the store writes starts with it.
 *
 * @example
 * ```ts
 * await redis.keys(`${DEFAULT_PREFIX}*`) // what the store holds (use SCAN in production)
 * ```
 */
export const DEFAULT_PREFIX = 'ledgerly:webhooks:idempotency:'

/**
 * Options of {@link redisStore}.
 *
 * @example
 * ```ts
 * const options: RedisStoreOptions = { client: new Redis(url), prefix: 'billing:webhooks:' }
 * ```
 */
export interface RedisStoreOptions {
  /** An ioredis 5 `Redis`/`Cluster`, `fromNodeRedis(client)`, or any {@link RedisScriptClient}. */
  client: RedisScriptClient
  /** Prefix of every key (default `ledgerly:webhooks:idempotency:`). Give each app its own on a shared Redis. */
  prefix?: string
}

function assertKey(key: unknown, caller: string): asserts key is string {
  if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_LENGTH) {
    throw new TypeError(
      `${caller}: the key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`,
    )
  }
}

function assertDuration(value: unknown, name: string, caller: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_DURATION_MS) {
    throw new RangeError(
      `${caller}: "${name}" must be a whole number of milliseconds from 1 to ${MAX_DURATION_MS}, got ${String(value)}`,
    )
  }
}

function assertToken(token: unknown, caller: string): asserts token is string | undefined {
  if (token === undefined) return
  if (typeof token !== 'string' || token === '' || token.length > MAX_KEY_LENGTH) {
    throw new TypeError(
      `${caller}: the lease token must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`,
    )
  }
}

/**
 * An {@link IdempotencyStore} on Redis, atomic across every process and machine sharing the server: each
 * operation is one Lua script (one round trip). A claim is a key holding `lease:<token>` with a `PX`
 * lease, where the token is the one the caller passed (`runOnce` makes one per call) or, without one,
 * this store instance's own; completion overwrites it with `done` and a `PX` TTL; release deletes the key
 * only if it still holds the lease of the same token, so a late release can drop neither a done mark nor
 * a lease another delivery took after ours expired, in this process or another.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * import { runOnce } from '@ledgerly/webhooks/idempotency'
 * import { redisStore } from '@ledgerly/webhooks-redis'
 *
 * const store = redisStore({ client: new Redis(process.env.REDIS_URL!), prefix: 'billing:webhooks:' })
 * const result = await runOnce(webhook, { store }, () => saveEntry(webhook.data))
 * ```
 */
export function redisStore(options: RedisStoreOptions): IdempotencyStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('redisStore: options { client } are required')
  }
  const { client } = options
  if (typeof client?.evalsha !== 'function' || typeof client?.eval !== 'function') {
    throw new TypeError(
      'redisStore: "client" must be an ioredis client or fromNodeRedis(client) (it needs evalsha and eval)',
    )
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX
  if (typeof prefix !== 'string') throw new TypeError('redisStore: "prefix" must be a string')
  // Stands in for the caller's token when there is none, so direct callers keep the old semantics:
  // release() then only ever deletes a lease this store instance took itself.
  const ownToken = randomUUID()

  /** The value a lease holds; the `lease:` prefix keeps any token from reading as the `done` mark. */
  function leaseValue(token: string | undefined): string {
    return `lease:${token ?? ownToken}`
  }

  return {
    async claim(key, leaseMs, token): Promise<ClaimResult> {
      assertKey(key, 'redisStore.claim')
      assertDuration(leaseMs, 'leaseMs', 'redisStore.claim')
      assertToken(token, 'redisStore.claim')
      const result = await runScript(client, CLAIM, prefix + key, [leaseValue(token), String(leaseMs)])
      if (result === 'claimed' || result === 'in-progress' || result === 'done') return result
      throw new Error(`redisStore.claim: unexpected reply from Redis (${typeof result})`)
    },
    async complete(key, ttlMs) {
      assertKey(key, 'redisStore.complete')
      assertDuration(ttlMs, 'ttlMs', 'redisStore.complete')
      await runScript(client, COMPLETE, prefix + key, [String(ttlMs)])
    },
    async release(key, token) {
      assertKey(key, 'redisStore.release')
      assertToken(token, 'redisStore.release')
      await runScript(client, RELEASE, prefix + key, [leaseValue(token)])
    },
  }
}
