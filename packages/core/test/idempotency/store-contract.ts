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

/** Claims (with `token`, if given) until `expected` comes back or `deadlineMs` passes; returns the last answer. */
export async function claimUntil(
  store: IdempotencyStore,
  key: string,
  leaseMs: number,
  expected: ClaimResult,
  deadlineMs = 5_000,
  token?: string,
): Promise<ClaimResult> {
  const stop = Date.now() + deadlineMs
  let seen = await store.claim(key, leaseMs, token)
  while (seen !== expected && Date.now() < stop) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    seen = await store.claim(key, leaseMs, token)
  }
  return seen
}

/** One store call of a lease-token scenario; tokens are named (`A`, `B`) and made unique per run. */
type TokenStep =
  | readonly ['claim', token: string, leaseMs: number, expected: ClaimResult]
  | readonly ['claim once expired', token: string]
  | readonly ['release', token: string]
  | readonly ['complete', token: string]

/** Runs `steps` on a fresh key, then returns what a third delivery's claim (its own token) sees. */
async function runTokenSteps(store: IdempotencyStore, steps: readonly TokenStep[]): Promise<ClaimResult> {
  const key = uniqueKey('token')
  const tokenOf = (name: string) => `${key}:${name}`
  for (const step of steps) {
    if (step[0] === 'claim') {
      expect(await store.claim(key, step[2], tokenOf(step[1]))).toBe(step[3])
    } else if (step[0] === 'claim once expired') {
      expect(await claimUntil(store, key, 60_000, 'claimed', 5_000, tokenOf(step[1]))).toBe('claimed')
    } else if (step[0] === 'release') {
      await store.release(key, tokenOf(step[1]))
    } else {
      await store.complete(key, 60_000, tokenOf(step[1]))
    }
  }
  return store.claim(key, 60_000, tokenOf('third'))
}

const TOKEN_SCENARIOS: ReadonlyArray<readonly [string, readonly TokenStep[], ClaimResult]> = [
  [
    'claim(A) → release(A) → claim → claimed (the holder frees the key)',
    [
      ['claim', 'A', 60_000, 'claimed'],
      ['release', 'A'],
    ],
    'claimed',
  ],
  [
    'claim(A) → release(B) → claim → in-progress (another token drops nothing)',
    [
      ['claim', 'A', 60_000, 'claimed'],
      ['release', 'B'],
    ],
    'in-progress',
  ],
  [
    'claim(A) → complete(A) → release(A) → claim → done',
    [
      ['claim', 'A', 60_000, 'claimed'],
      ['complete', 'A'],
      ['release', 'A'],
    ],
    'done',
  ],
  [
    "claim(A, 150 ms) expires → claim(B) → release(A) → claim → in-progress (a late release keeps the retry's lease)",
    [
      ['claim', 'A', 150, 'claimed'],
      ['claim once expired', 'B'],
      ['release', 'A'],
    ],
    'in-progress',
  ],
  [
    'claim(A, 150 ms) expires → claim(B) → release(B) → claim → claimed',
    [
      ['claim', 'A', 150, 'claimed'],
      ['claim once expired', 'B'],
      ['release', 'B'],
    ],
    'claimed',
  ],
  [
    'claim(A, 150 ms) expires → claim(B) → complete(A) → claim → done (the work did finish)',
    [
      ['claim', 'A', 150, 'claimed'],
      ['claim once expired', 'B'],
      ['complete', 'A'],
    ],
    'done',
  ],
]

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

    test.each(TOKEN_SCENARIOS)('lease token: %s', async (_name, steps, expected) => {
      expect(await runTokenSteps(getStore(), steps)).toBe(expected)
    })

    test.each([
      ['claim with token ""', 'claim', ''],
      ['claim with token 42', 'claim', 42],
      ['release with token ""', 'release', ''],
      ['release with token 42', 'release', 42],
    ])('%s → rejects with a TypeError', async (_label, operation, token) => {
      const store = getStore()
      const key = uniqueKey('bad-token')
      const call =
        operation === 'claim' ? store.claim(key, 1000, token as string) : store.release(key, token as string)
      await expect(call).rejects.toThrow(TypeError)
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
