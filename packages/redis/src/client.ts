/**
 * The one thing the stores need from a Redis client: run a Lua script by SHA-1 (`EVALSHA`) or by source
 * (`EVAL`), with `numKeys` keys first and then the arguments. An ioredis 5 `Redis` or `Cluster` instance
 * has exactly these methods and is passed as is; wrap node-redis with {@link fromNodeRedis}; anything
 * else can be adapted in a few lines.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * const client: RedisScriptClient = new Redis(process.env.REDIS_URL!)
 * ```
 */
export interface RedisScriptClient {
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>
}

/**
 * The part of a node-redis 4/5 client that {@link fromNodeRedis} uses.
 *
 * @example
 * ```ts
 * const client: NodeRedisLike = await createClient({ url }).connect()
 * ```
 */
export interface NodeRedisLike {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
}

function split(numKeys: number, keysAndArgs: string[]): { keys: string[]; arguments: string[] } {
  return { keys: keysAndArgs.slice(0, numKeys), arguments: keysAndArgs.slice(numKeys) }
}

/**
 * Adapts a connected node-redis (`redis` package, v4 or v5) client to {@link RedisScriptClient}.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * import { fromNodeRedis, redisStore } from '@ledgerly/webhooks-redis'
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect()
 * const store = redisStore({ client: fromNodeRedis(client) })
 * ```
 */
export function fromNodeRedis(client: NodeRedisLike): RedisScriptClient {
  if (typeof client?.eval !== 'function' || typeof client?.evalSha !== 'function') {
    throw new TypeError('fromNodeRedis: pass a node-redis client (it needs eval and evalSha)')
  }
  return {
    evalsha: (sha1, numKeys, ...keysAndArgs) => client.evalSha(sha1, split(numKeys, keysAndArgs)),
    eval: (script, numKeys, ...keysAndArgs) => client.eval(script, split(numKeys, keysAndArgs)),
  }
}
