import { describe, expect, test } from 'vitest'
import type { ClaimResult, IdempotencyStore } from '../../src/idempotency/index.js'

// One contract, run against every IdempotencyStore (memoryStore here, redisStore in packages/redis):
// identical outcomes everywhere. Leases are real and short; expiry is awaited by polling with a deadline.

let sequence = 0
/** A key no other test (or earlier run against the same Redis) uses. */
export function uniqueKey(label: string): string {
  sequence += 1
  return `contract:${label}:${Date.now().toString(36)}:${sequence}:${Math.random().toString(36).slice(2)}`
}

/** Claims until `expected` comes back or `deadlineMs` passes; returns what the last claim saw. */
export async function claimUntil(
  store: IdempotencyStore,
  key: string,
  leaseMs: number,
  expected: ClaimResult,
  deadlineMs = 5_000,
): Promise<ClaimResult> {
  const stop = Date.now() + deadlineMs
  let seen = await store.claim(key, leaseMs)
  while (seen !== expected && Date.now() < stop) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    seen = await store.claim(key, leaseMs)
  }
  return seen
}

export function describeStoreContract(name: string, getStore: () => IdempotencyStore): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    test('claim of a new key → claimed; claim again → in-progress', async () => {
      const store = getStore()
      const key = uniqueKey('new')
      expect(await store.claim(key, 60_000)).toBe('claimed')
      expect(await store.claim(key, 60_000)).toBe('in-progress')
    })

    test('claim → complete → claim → done', async () => {
      const store = getStore()
      const key = uniqueKey('done')
      await store.claim(key, 60_000)
      await store.complete(key, 60_000)
      expect(await store.claim(key, 60_000)).toBe('done')
    })

    test('claim → release → claim → claimed (a failed handler frees the key)', async () => {
      const store = getStore()
      const key = uniqueKey('release')
      await store.claim(key, 60_000)
      await store.release(key)
      expect(await store.claim(key, 60_000)).toBe('claimed')
    })

    test('complete → late release → claim → done (a release never drops a done mark)', async () => {
      const store = getStore()
      const key = uniqueKey('late-release')
      await store.claim(key, 60_000)
      await store.complete(key, 60_000)
      await store.release(key)
      expect(await store.claim(key, 60_000)).toBe('done')
    })

    test('complete of a key never claimed → claim → done', async () => {
      const store = getStore()
      const key = uniqueKey('complete-only')
      await store.complete(key, 60_000)
      expect(await store.claim(key, 60_000)).toBe('done')
    })

    test('release of an unknown key → no-op', async () => {
      const store = getStore()
      const key = uniqueKey('release-unknown')
      await expect(store.release(key)).resolves.toBeUndefined()
      expect(await store.claim(key, 60_000)).toBe('claimed')
    })

    test('lease of 150 ms → in-progress, then claimed once it expires (crash recovery)', async () => {
      const store = getStore()
      const key = uniqueKey('lease')
      expect(await store.claim(key, 150)).toBe('claimed')
      expect(await store.claim(key, 60_000)).toBe('in-progress')
      expect(await claimUntil(store, key, 60_000, 'claimed')).toBe('claimed')
    })

    test('done mark with ttl 150 ms → done, then claimed once it expires', async () => {
      const store = getStore()
      const key = uniqueKey('ttl')
      await store.claim(key, 60_000)
      await store.complete(key, 150)
      expect(await store.claim(key, 60_000)).toBe('done')
      expect(await claimUntil(store, key, 60_000, 'claimed')).toBe('claimed')
    })

    test('50 concurrent claims of one key → exactly one claimed', async () => {
      const store = getStore()
      const key = uniqueKey('race')
      const results = await Promise.all(Array.from({ length: 50 }, () => store.claim(key, 60_000)))
      expect(results.filter((result) => result === 'claimed')).toHaveLength(1)
      expect(results.filter((result) => result === 'in-progress')).toHaveLength(49)
    })

    test('keys differing only in escaped characters → independent', async () => {
      const store = getStore()
      const base = uniqueKey('distinct')
      const keys = [`${base}:a:b`, `${base}:a%3Ab`, `${base}:\u00e9`, `${base}:e\u0301`]
      for (const key of keys) expect(await store.claim(key, 60_000)).toBe('claimed')
    })

    test.each([
      ['empty key', '', 1000],
      ['non-string key', 42, 1000],
      ['leaseMs 0', 'k', 0],
      ['leaseMs -1', 'k', -1],
      ['leaseMs 1.5', 'k', 1.5],
      ['leaseMs NaN', 'k', Number.NaN],
      ['leaseMs Infinity', 'k', Number.POSITIVE_INFINITY],
      ['leaseMs "1000"', 'k', '1000'],
    ])('claim(%s) → rejects with a TypeError/RangeError', async (_label, key, leaseMs) => {
      const store = getStore()
      const error = await store.claim(key as string, leaseMs as number).then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).name).toMatch(/^(TypeError|RangeError)$/)
    })
  })
}
