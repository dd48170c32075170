import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { afterAll, describe, expect, inject, test } from 'vitest'
import { describeStoreContract, uniqueKey } from '../../core/test/idempotency/store-contract.js'
import { DEFAULT_PREFIX, fromNodeRedis, redisStore } from '../src/index.js'

const url = inject('redisUrl')
const ioredis = new Redis(url)
const pipelined = new Redis(url, { enableAutoPipelining: true })
const nodeRedis = await createClient({ url }).connect()

afterAll(async () => {
  ioredis.disconnect()
  pipelined.disconnect()
  await nodeRedis.close()
})

describeStoreContract('redisStore (ioredis)', () => redisStore({ client: ioredis }))
describeStoreContract('redisStore (node-redis via fromNodeRedis)', () =>
  redisStore({ client: fromNodeRedis(nodeRedis) }),
)
describeStoreContract('redisStore (ioredis, auto-pipelined)', () => redisStore({ client: pipelined }))

describe('redisStore: Redis specifics', () => {
  test('claim → the key holds a lease with a PX ttl; complete → "done" with the TTL', async () => {
    const store = redisStore({ client: ioredis })
    const key = uniqueKey('layout')
    await store.claim(key, 60_000)
    const lease = await ioredis.get(DEFAULT_PREFIX + key)
    expect(lease).toMatch(/^lease:[0-9a-f-]{36}$/)
    expect(await ioredis.pttl(DEFAULT_PREFIX + key)).toBeGreaterThan(59_000)
    await store.complete(key, 3_600_000)
    expect(await ioredis.get(DEFAULT_PREFIX + key)).toBe('done')
    expect(await ioredis.pttl(DEFAULT_PREFIX + key)).toBeGreaterThan(3_599_000)
  })

  test('prefix "app-a:" → keys written under that prefix only', async () => {
    const store = redisStore({ client: ioredis, prefix: 'app-a:' })
    const key = uniqueKey('prefix')
    await store.claim(key, 60_000)
    expect(await ioredis.exists(`app-a:${key}`)).toBe(1)
    expect(await ioredis.exists(DEFAULT_PREFIX + key)).toBe(0)
  })

  test("release from another store instance → no-op (only the lease's owner can release it)", async () => {
    const owner = redisStore({ client: ioredis })
    const other = redisStore({ client: ioredis })
    const key = uniqueKey('owner')
    await owner.claim(key, 60_000)
    await other.release(key)
    expect(await other.claim(key, 60_000)).toBe('in-progress')
    await owner.release(key)
    expect(await other.claim(key, 60_000)).toBe('claimed')
  })

  test('scripts flushed from the server (restart, failover) → reloaded by source, claim still works', async () => {
    const store = redisStore({ client: ioredis })
    await ioredis.script('FLUSH')
    expect(await store.claim(uniqueKey('noscript'), 60_000)).toBe('claimed')
    await nodeRedis.scriptFlush()
    expect(await redisStore({ client: fromNodeRedis(nodeRedis) }).claim(uniqueKey('noscript'), 60_000)).toBe(
      'claimed',
    )
  })

  test('Redis unreachable → claim rejects (the adapter answers 5xx and the sender retries)', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    })
    down.on('error', () => {})
    await expect(redisStore({ client: down }).claim('k', 1000)).rejects.toThrow()
    down.disconnect()
  })

  test.each([
    ['no options', undefined, TypeError],
    ['client {}', { client: {} }, TypeError],
    ['prefix 5', { client: ioredis, prefix: 5 }, TypeError],
  ])('redisStore(%s) → throws', (_label, options, kind) => {
    expect(() => redisStore(options as never)).toThrow(kind)
  })

  test('fromNodeRedis({}) → TypeError', () => {
    expect(() => fromNodeRedis({} as never)).toThrow(TypeError)
  })
})
