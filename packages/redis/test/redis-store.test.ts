import { createVerifier, sign } from '@ledgerly/webhooks'
import { idempotencyKey, runOnce } from '@ledgerly/webhooks/idempotency'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { afterAll, describe, expect, inject, test, vi } from 'vitest'
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

describe('redisStore: lease tokens', () => {
  const store = redisStore({ client: ioredis })

  test.each([
    ['claim(A) → the key holds lease:A', 'A', 'lease:A'],
    ['claim(token "done") → lease:done, never read as a done mark', 'done', 'lease:done'],
  ])('%s', async (_name, token, value) => {
    const key = uniqueKey('token-layout')
    expect(await store.claim(key, 60_000, token)).toBe('claimed')
    expect(await ioredis.get(DEFAULT_PREFIX + key)).toBe(value)
    expect(await store.claim(key, 60_000)).toBe('in-progress')
  })

  // Direct callers that pass no token keep the per-instance owner of before.
  test.each([
    ['claim() → release() on the same instance → claimed', undefined, undefined, 'claimed'],
    ['claim() → release(A) → in-progress', undefined, 'A', 'in-progress'],
    ['claim(A) → release() → in-progress (A is not the instance token)', 'A', undefined, 'in-progress'],
  ])('%s', async (_name, claimToken, releaseToken, expected) => {
    const key = uniqueKey('token-mixed')
    await store.claim(key, 60_000, claimToken)
    await store.release(key, releaseToken)
    expect(await store.claim(key, 60_000)).toBe(expected)
  })

  test('runOnce: first handler outlives its 150 ms lease, the retry runs, the first then throws → a third delivery → in-progress', async () => {
    const secret = 'lease-token-secret'
    const body = JSON.stringify({ event: 'entry_persisted', data: { id: uniqueKey('run-once') } })
    const webhook = await createVerifier({ secret }).verify({
      payload: body,
      headers: await sign(body, { secret }),
    })
    // Only the first lease is short; the retry's outlasts the rest of the test even on a slow machine.
    const [short, options] = [
      { store, leaseMs: 150 },
      { store, leaseMs: 10_000 },
    ]
    const [firstStarted, firstFails, retryStarted, retryEnds] = [gate(), gate(), gate(), gate()]
    const first = runOnce(webhook, short, async function slowThenFails() {
      firstStarted.open()
      await firstFails.opened
      throw new Error('late failure')
    })
    await firstStarted.opened
    await waitForExpiry(DEFAULT_PREFIX + idempotencyKey(webhook))
    const retry = runOnce(webhook, options, async function retryHandler() {
      retryStarted.open()
      await retryEnds.opened
      return 'retried'
    })
    await retryStarted.opened
    firstFails.open()
    await expect(first).rejects.toThrow('late failure')

    const third = vi.fn()
    expect(await runOnce(webhook, options, third)).toEqual({ outcome: 'in-progress', retryAfterSeconds: 10 })
    expect(third).not.toHaveBeenCalled()
    retryEnds.open()
    expect(await retry).toEqual({ outcome: 'handled', value: 'retried' })
    expect(await runOnce(webhook, options, third)).toEqual({ outcome: 'duplicate' })
  })
})

/** A promise and its resolver, to hold a handler open while other deliveries arrive. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

/** Resolves once Redis no longer holds `key` (its lease expired); rejects after 5 s. */
async function waitForExpiry(key: string): Promise<void> {
  const stop = Date.now() + 5_000
  while ((await ioredis.exists(key)) === 1) {
    if (Date.now() > stop) throw new Error(`${key} still held after 5 s`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
