import { describe, expect, test } from 'vitest'
import { type ClaimResult, DEFAULT_MAX_ENTRIES, memoryStore } from '../../src/idempotency/index.js'
import { describeStoreContract } from './store-contract.js'

describeStoreContract('memoryStore', () => memoryStore())

function manualClock(start = 1_700_000_000_000) {
  let time = start
  return {
    now: () => time,
    advance(ms: number) {
      time += ms
    },
  }
}

describe('memoryStore: time (injected clock)', () => {
  test('lease 1000 ms, +999 ms → in-progress; +1 ms more → claimed', async () => {
    const clock = manualClock()
    const store = memoryStore({ now: clock.now })
    expect(await store.claim('k', 1000)).toBe('claimed')
    clock.advance(999)
    expect(await store.claim('k', 1000)).toBe('in-progress')
    clock.advance(1)
    expect(await store.claim('k', 1000)).toBe('claimed')
  })

  test('done ttl 5000 ms, +4999 ms → done; +1 ms more → claimed', async () => {
    const clock = manualClock()
    const store = memoryStore({ now: clock.now })
    await store.claim('k', 1000)
    await store.complete('k', 5000)
    clock.advance(4999)
    expect(await store.claim('k', 1000)).toBe('done')
    clock.advance(1)
    expect(await store.claim('k', 1000)).toBe('claimed')
  })

  test('expired entries are swept as new claims arrive → size shrinks', async () => {
    const clock = manualClock()
    const store = memoryStore({ now: clock.now })
    for (let index = 0; index < 20; index++) await store.claim(`old-${index}`, 100)
    expect(store.size).toBe(20)
    clock.advance(101)
    for (let index = 0; index < 10; index++) await store.claim(`new-${index}`, 100)
    expect(store.size).toBeLessThan(20)
  })
})

/** One call of a lease-token scenario on key `k` (lease 1000 ms, TTL 5000 ms); `undefined` = no token. */
type TokenStep =
  | readonly ['claim', token: string | undefined, expected: ClaimResult]
  | readonly ['advance', ms: number]
  | readonly ['release' | 'complete', token: string | undefined]

describe('memoryStore: lease tokens (injected clock)', () => {
  // Each row ends with what a third delivery's claim (token C) sees.
  test.each<readonly [string, readonly TokenStep[], ClaimResult]>([
    [
      'claim(A) expires → claim(B) → claimed; release(A) → claim(C) → in-progress',
      [
        ['claim', 'A', 'claimed'],
        ['advance', 1000],
        ['claim', 'B', 'claimed'],
        ['release', 'A'],
      ],
      'in-progress',
    ],
    [
      'claim(A) expires → claim(B) → complete(A) → claim(C) → done',
      [
        ['claim', 'A', 'claimed'],
        ['advance', 1000],
        ['claim', 'B', 'claimed'],
        ['complete', 'A'],
      ],
      'done',
    ],
    [
      'claim(A) → release() without a token → claim(C) → claimed (the old behaviour)',
      [
        ['claim', 'A', 'claimed'],
        ['release', undefined],
      ],
      'claimed',
    ],
    [
      'claim() without a token → release(A) → claim(C) → in-progress (a token frees only its own lease)',
      [
        ['claim', undefined, 'claimed'],
        ['release', 'A'],
      ],
      'in-progress',
    ],
    [
      'claim(A) → complete → release(A) → claim(C) → done',
      [
        ['claim', 'A', 'claimed'],
        ['complete', undefined],
        ['release', 'A'],
      ],
      'done',
    ],
  ])('%s', async (_name, steps, third) => {
    const clock = manualClock()
    const store = memoryStore({ now: clock.now })
    for (const step of steps) {
      if (step[0] === 'claim') expect(await store.claim('k', 1000, step[1])).toBe(step[2])
      else if (step[0] === 'advance') clock.advance(step[1])
      else if (step[0] === 'release') await store.release('k', step[1])
      else await store.complete('k', 5000, step[1])
    }
    expect(await store.claim('k', 1000, 'C')).toBe(third)
  })
})

describe('memoryStore: bound', () => {
  test('maxEntries 3, four claims → size 3 and the oldest claim is evicted', async () => {
    const store = memoryStore({ maxEntries: 3 })
    for (const key of ['a', 'b', 'c', 'd']) expect(await store.claim(key, 60_000)).toBe('claimed')
    expect(store.size).toBe(3)
    expect(await store.claim('b', 60_000)).toBe('in-progress')
    expect(await store.claim('a', 60_000)).toBe('claimed')
  })

  test('completing does not make a claim younger → eviction stays in claim order', async () => {
    const store = memoryStore({ maxEntries: 2 })
    await store.claim('first', 60_000)
    await store.claim('second', 60_000)
    await store.complete('first', 60_000)
    await store.claim('third', 60_000)
    expect(await store.claim('second', 60_000)).toBe('in-progress')
    expect(await store.claim('first', 60_000)).toBe('claimed')
  })

  test('1,000,000 distinct keys claimed and completed → never more than the default bound', async () => {
    const store = memoryStore()
    let largest = 0
    for (let index = 0; index < 1_000_000; index++) {
      const key = `ledgerly:entry_persisted:entry_${index}`
      await store.claim(key, 60_000)
      await store.complete(key, 86_400_000)
      if (store.size > largest) largest = store.size
    }
    expect(largest).toBe(DEFAULT_MAX_ENTRIES)
    expect(store.size).toBe(DEFAULT_MAX_ENTRIES)
    // The newest keys are the ones kept: the last one is still a duplicate.
    expect(await store.claim('ledgerly:entry_persisted:entry_999999', 60_000)).toBe('done')
  }, 60_000)
})

describe('memoryStore: options', () => {
  test.each([
    ['maxEntries 0', { maxEntries: 0 }, RangeError],
    ['maxEntries -5', { maxEntries: -5 }, RangeError],
    ['maxEntries 1.5', { maxEntries: 1.5 }, RangeError],
    ['maxEntries "10"', { maxEntries: '10' }, RangeError],
    ['maxEntries Infinity', { maxEntries: Number.POSITIVE_INFINITY }, RangeError],
    ['now "x"', { now: 'x' }, TypeError],
    ['options null', null, TypeError],
  ])('memoryStore(%s) → throws', (_label, options, kind) => {
    expect(() => memoryStore(options as never)).toThrow(kind)
  })

  test('complete with ttlMs 0 → RangeError; release of "" → TypeError', async () => {
    const store = memoryStore()
    await expect(store.complete('k', 0)).rejects.toThrow(RangeError)
    await expect(store.release('')).rejects.toThrow(TypeError)
  })
})
