import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  type ClaimResult,
  createReplayGuard,
  DEFAULT_MAX_ENTRIES,
  memoryStore,
  runOnce,
} from '../../src/idempotency/index.js'
import { deliver, entryBody, gate, T } from './helpers.js'
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

  test('20 done marks expired, 10 new claims → marks swept too: size shrinks, an old key → claimed', async () => {
    const clock = manualClock()
    const store = memoryStore({ now: clock.now })
    for (let index = 0; index < 20; index++) await store.complete(`old-${index}`, 100)
    expect(store.size).toBe(20)
    clock.advance(101)
    for (let index = 0; index < 10; index++) await store.claim(`new-${index}`, 100)
    expect(store.size).toBeLessThan(20)
    expect(await store.claim('old-19', 100)).toBe('claimed')
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

/**
 * Calls of `Map.prototype.set` (any Map) while `run` runs: the store's work, counted without a clock. The
 * store keeps its entries in Maps, so every entry it adds, or moves, is one call.
 */
async function countMapWrites(run: () => Promise<void>): Promise<number> {
  const set = Map.prototype.set
  let writes = 0
  Map.prototype.set = function (this: Map<unknown, unknown>, key: unknown, value: unknown) {
    writes += 1
    return set.call(this, key, value)
  }
  try {
    await run()
  } finally {
    Map.prototype.set = set
  }
  return writes
}

/** One call of a bound scenario (injected clock); `claim` leases for `ms`, `complete` marks done for 60 s. */
type BoundStep =
  | readonly ['claim', key: string, ms: number, expected: ClaimResult]
  | readonly ['complete', key: string]
  | readonly ['advance', ms: number]

describe('memoryStore: bound', () => {
  test('maxEntries 3, four claims completed → size 3 and the oldest done mark is evicted', async () => {
    const store = memoryStore({ maxEntries: 3 })
    for (const key of ['a', 'b', 'c', 'd']) {
      expect(await store.claim(key, 60_000)).toBe('claimed')
      await store.complete(key, 60_000)
    }
    expect(store.size).toBe(3)
    expect(await store.claim('b', 60_000)).toBe('done')
    expect(await store.claim('a', 60_000)).toBe('claimed')
  })

  // Each row ends with the store's size, then what claims of the listed keys see (in that order).
  test.each<readonly [string, number, readonly BoundStep[], number, readonly [string, ClaimResult][]]>([
    [
      'lease a live, claims b and c (maxEntries 2) → claim a → in-progress; the bound is exceeded, not a lease dropped',
      2,
      [
        ['claim', 'a', 60_000, 'claimed'],
        ['claim', 'b', 60_000, 'claimed'],
        ['claim', 'c', 60_000, 'claimed'],
      ],
      3,
      [
        ['a', 'in-progress'],
        ['b', 'in-progress'],
        ['c', 'in-progress'],
      ],
    ],
    [
      'lease a live, b done, claim c (maxEntries 2) → b evicted: claim b → claimed, claim a → in-progress',
      2,
      [
        ['claim', 'a', 60_000, 'claimed'],
        ['claim', 'b', 60_000, 'claimed'],
        ['complete', 'b'],
        ['claim', 'c', 60_000, 'claimed'],
      ],
      2,
      [
        ['a', 'in-progress'],
        ['b', 'claimed'],
      ],
    ],
    [
      'lease b expired, lease a live, m done, claim c (maxEntries 3) → the expired lease evicted before the mark: m → done',
      3,
      [
        ['claim', 'b', 100, 'claimed'],
        ['claim', 'a', 60_000, 'claimed'],
        ['claim', 'm', 60_000, 'claimed'],
        ['complete', 'm'],
        ['advance', 100],
        ['claim', 'c', 60_000, 'claimed'],
      ],
      3,
      [
        ['a', 'in-progress'],
        ['m', 'done'],
        ['c', 'in-progress'],
      ],
    ],
    [
      // Leases are evicted from the oldest claim only (no walk): an expired lease behind a longer live one
      // waits until that one ends, so with no done mark to evict the bound is exceeded meanwhile.
      'lease a live (60 s), then lease b expired (100 ms), claim c (maxEntries 2) → size 3; a → in-progress, b → claimed',
      2,
      [
        ['claim', 'a', 60_000, 'claimed'],
        ['claim', 'b', 100, 'claimed'],
        ['advance', 100],
        ['claim', 'c', 60_000, 'claimed'],
      ],
      3,
      [
        ['a', 'in-progress'],
        ['b', 'claimed'],
      ],
    ],
    [
      'leases a, b, c (maxEntries 2) all completed, claim d → back to the bound: size 2, claim c → done',
      2,
      [
        ['claim', 'a', 60_000, 'claimed'],
        ['claim', 'b', 60_000, 'claimed'],
        ['claim', 'c', 60_000, 'claimed'],
        ['complete', 'a'],
        ['complete', 'b'],
        ['complete', 'c'],
        ['claim', 'd', 60_000, 'claimed'],
      ],
      2,
      [['c', 'done']],
    ],
    [
      'lease a held while mark b is evicted, then a done, claim e (maxEntries 3) → a evicted, leases c and d kept',
      3,
      [
        ['claim', 'a', 60_000, 'claimed'],
        ['claim', 'b', 60_000, 'claimed'],
        ['complete', 'b'],
        ['claim', 'c', 60_000, 'claimed'],
        ['claim', 'd', 60_000, 'claimed'],
        ['complete', 'a'],
        ['claim', 'e', 60_000, 'claimed'],
      ],
      3,
      [
        ['c', 'in-progress'],
        ['d', 'in-progress'],
        ['a', 'claimed'],
      ],
    ],
  ])('%s', async (_name, maxEntries, steps, size, after) => {
    const clock = manualClock()
    const store = memoryStore({ maxEntries, now: clock.now })
    for (const step of steps) {
      if (step[0] === 'claim') expect(await store.claim(step[1], step[2])).toBe(step[3])
      else if (step[0] === 'complete') await store.complete(step[1], 60_000)
      else clock.advance(step[1])
    }
    expect(store.size).toBe(size)
    for (const [key, expected] of after)
      expect([key, await store.claim(key, 60_000)]).toEqual([key, expected])
  })

  test('runOnce(A) still running, B and C claimed (maxEntries 2) → a duplicate of A → in-progress, handler ran once', async () => {
    const store = memoryStore({ maxEntries: 2 })
    const slow = gate()
    let runs = 0
    const first = (await deliver(entryBody('entry_bound_a'), { timestamp: T })).webhook
    const running = runOnce(first, { store }, async () => {
      runs += 1
      await slow.opened
    })
    for (const id of ['entry_bound_b', 'entry_bound_c']) {
      const { webhook } = await deliver(entryBody(id))
      expect((await runOnce(webhook, { store }, () => undefined)).outcome).toBe('handled')
    }
    const duplicate = (await deliver(entryBody('entry_bound_a'), { timestamp: T + 10 })).webhook
    const second = await runOnce(duplicate, { store }, () => {
      runs += 1
    })
    slow.open()
    expect((await running).outcome).toBe('handled')
    expect(second.outcome).toBe('in-progress')
    expect(runs).toBe(1)
  })

  test('maxEntries 1,000, 100,000 live leases → all claimed and held, in linear time (no walk per claim)', async () => {
    const store = memoryStore({ maxEntries: 1_000 })
    for (let index = 0; index < 100_000; index++) {
      await store.claim(`lease-${index}`, 60_000)
      // Let the test timeout fire if claims turn quadratic, instead of hanging the run.
      if (index % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    expect(store.size).toBe(100_000)
    expect(await store.claim('lease-0', 60_000)).toBe('in-progress')
  }, 10_000)

  test('maxEntries 10,000, 5,000 leases held, 200,000 events claimed and completed → size 10,000, leases kept', async () => {
    const store = memoryStore({ maxEntries: 10_000 })
    for (let index = 0; index < 5_000; index++) await store.claim(`held-${index}`, 60_000)
    for (let index = 0; index < 200_000; index++) {
      const key = `event-${index}`
      await store.claim(key, 60_000)
      await store.complete(key, 60_000)
    }
    expect(store.size).toBe(10_000)
    for (const index of [0, 2_500, 4_999])
      expect(await store.claim(`held-${index}`, 60_000)).toBe('in-progress')
    expect(await store.claim('event-199999', 60_000)).toBe('done')
  }, 20_000)

  test('replay guard over memoryStore({ maxEntries: 2 }), five fresh requests → size stays 2', async () => {
    const store = memoryStore({ maxEntries: 2 })
    const check = createReplayGuard({ store })
    for (let index = 0; index < 5; index++) {
      expect(await check((await deliver(entryBody(`entry_bound_guard_${index}`))).webhook)).toBe('fresh')
    }
    expect(store.size).toBe(2)
  })

  test('first and second claimed, first completed, third claimed (maxEntries 2) → the done mark evicted, not the older lease', async () => {
    const store = memoryStore({ maxEntries: 2 })
    await store.claim('first', 60_000)
    await store.claim('second', 60_000)
    await store.complete('first', 60_000)
    await store.claim('third', 60_000)
    expect(await store.claim('second', 60_000)).toBe('in-progress')
    expect(await store.claim('first', 60_000)).toBe('claimed')
  })

  test('first and second claimed, completed second then first, third claimed (maxEntries 2) → done marks go in completion order: second evicted', async () => {
    const store = memoryStore({ maxEntries: 2 })
    await store.claim('first', 60_000)
    await store.claim('second', 60_000)
    await store.complete('second', 60_000)
    await store.complete('first', 60_000)
    await store.claim('third', 60_000)
    expect(await store.claim('first', 60_000)).toBe('done')
    expect(await store.claim('second', 60_000)).toBe('claimed')
  })

  test('maxEntries 1,000, 999 live leases and 1 done mark, 2,000 events claimed and completed → at most 4 Map writes per event (no walk over the leases)', async () => {
    const store = memoryStore({ maxEntries: 1_000 })
    for (let index = 0; index < 999; index++) await store.claim(`held-${index}`, 60_000)
    await store.claim('mark', 60_000)
    await store.complete('mark', 60_000)
    const writes = await countMapWrites(async () => {
      for (let index = 0; index < 2_000; index++) {
        await store.claim(`event-${index}`, 60_000)
        await store.complete(`event-${index}`, 60_000)
      }
    })
    // A claim and a complete write one entry each; moving each lease behind the others wrote 999 more.
    expect(writes).toBeLessThanOrEqual(4 * 2_000)
    expect(store.size).toBe(1_000)
    for (const index of [0, 500, 998]) expect(await store.claim(`held-${index}`, 60_000)).toBe('in-progress')
    expect(await store.claim('event-1999', 60_000)).toBe('done')
    expect(await store.claim('event-1998', 60_000)).toBe('claimed')
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

// The safety property behind the bound, for any sequence of calls: a key whose lease is live (claimed, not
// completed, released or expired) always answers 'in-progress', however full the store is; and after a
// claim the store exceeds maxEntries only by leases it holds.
describe('memoryStore under any sequence of claims, completions, releases and clock steps', () => {
  type Op =
    | { kind: 'claim'; key: number; leaseMs: number; token: number }
    | { kind: 'complete'; key: number; ttlMs: number }
    | { kind: 'release'; key: number; token: number }
    | { kind: 'advance'; ms: number }
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('claim' as const),
      key: fc.integer({ min: 0, max: 9 }),
      leaseMs: fc.constantFrom(50, 100, 1_000),
      token: fc.integer({ min: 0, max: 2 }),
    }),
    fc.record({
      kind: fc.constant('complete' as const),
      key: fc.integer({ min: 0, max: 9 }),
      ttlMs: fc.constantFrom(50, 500),
    }),
    fc.record({
      kind: fc.constant('release' as const),
      key: fc.integer({ min: 0, max: 9 }),
      token: fc.integer({ min: 0, max: 2 }),
    }),
    fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(1, 49, 100) }),
  )

  test('any 300 calls, maxEntries 1–4 → a live lease is never lost, and after a claim size ≤ maxEntries + leases held', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(op, { maxLength: 300 }),
        async (maxEntries, ops) => {
          let time = 1_000_000
          const store = memoryStore({ maxEntries, now: () => time })
          const live = new Map<string, { expiresAt: number; token: string }>() // the model: leases held
          for (const step of ops) {
            if (step.kind === 'advance') {
              time += step.ms
              continue
            }
            const key = `k${step.key}`
            const held = live.get(key)
            const isLive = held !== undefined && held.expiresAt > time
            if (step.kind === 'claim') {
              const result = await store.claim(key, step.leaseMs, `t${step.token}`)
              if (isLive) expect(result).toBe('in-progress')
              if (result === 'claimed')
                live.set(key, { expiresAt: time + step.leaseMs, token: `t${step.token}` })
            } else if (step.kind === 'complete') {
              await store.complete(key, step.ttlMs)
              live.delete(key)
            } else {
              await store.release(key, `t${step.token}`)
              if (held?.token === `t${step.token}`) live.delete(key)
            }
            // Checked after claims, which make room: a completion may leave the store over the bound until the
            // next claim. Over maxEntries, every entry is a lease (live, or expired behind a longer live one).
            if (step.kind === 'claim') expect(store.size).toBeLessThanOrEqual(maxEntries + live.size)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
