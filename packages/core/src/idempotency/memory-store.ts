import type { ClaimResult, IdempotencyStore } from './store.js'
import { assertDuration, assertKey, assertToken } from './validate.js'

/**
 * Default bound of {@link memoryStore}: at about 190 bytes an entry (measured), some 18 MiB at most.
 *
 * @example
 * ```ts
 * const store = memoryStore({ maxEntries: 2 * DEFAULT_MAX_ENTRIES }) // about 36 MiB at most
 * ```
 */
export const DEFAULT_MAX_ENTRIES = 100_000

/** Expired entries dropped from the oldest end per claim, so clean-up is spread over calls. */
const SWEEP_PER_CLAIM = 4

/**
 * Options of {@link memoryStore}.
 *
 * @example
 * ```ts
 * const options: MemoryStoreOptions = { maxEntries: 10_000, now: () => fakeClock.now }
 * ```
 */
export interface MemoryStoreOptions {
  /**
   * Most keys held at once (default 100,000). When full, the oldest expired entry or done mark is evicted;
   * a live lease never is, so while more leases than this are live at once the store holds them all.
   */
  maxEntries?: number
  /** Clock in milliseconds, like `Date.now` (the default). Inject one in tests. */
  now?: () => number
}

/**
 * The in-memory store, with its current entry count for monitoring.
 *
 * @example
 * ```ts
 * const store: MemoryIdempotencyStore = memoryStore()
 * setInterval(() => metrics.gauge('webhook_idempotency_entries', store.size), 10_000)
 * ```
 */
export interface MemoryIdempotencyStore extends IdempotencyStore {
  /** Keys currently held (leases and done marks, expired ones not yet swept included). */
  readonly size: number
}

interface Entry {
  done: boolean
  expiresAt: number
  /** The lease token of the claim holding the key; `undefined` for a done mark or a claim without one. */
  token: string | undefined
}

function maxEntriesOption(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_ENTRIES
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`memoryStore: "maxEntries" must be a whole number >= 1, got ${String(value)}`)
  }
  return value
}

/**
 * A bounded, single-process {@link IdempotencyStore}: the default. Leases and done marks expire (TTL);
 * expired ones are swept as claims arrive. At `maxEntries` a new key evicts the oldest expired entry or
 * done mark (claim order). A live lease is never evicted, since a duplicate would then run its handler a
 * second time while the first still runs: it is moved behind the newer entries instead, and when every
 * entry is a live lease the store grows past the bound (by the handlers in flight) and shrinks back as they
 * finish. Evicting a done mark shortens how long that event's duplicates are remembered, so size the bound
 * for your event rate × `ttlMs`. Claims are atomic within one process because a JavaScript thread runs one
 * claim to completion; with several processes or machines use `redisStore`. A lease keeps the claim's
 * token, and `release(key, token)` drops only the lease holding that token (without a token, any lease), so
 * a late release never frees a retry's lease.
 *
 * @example
 * ```ts
 * import { memoryStore, runOnce } from '@ledgerly/webhooks/idempotency'
 *
 * const store = memoryStore({ maxEntries: 50_000 })
 * const result = await runOnce(webhook, { store }, () => saveEntry(webhook.data))
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryIdempotencyStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('memoryStore: options must be an object')
  }
  const maxEntries = maxEntriesOption(options.maxEntries)
  const now = options.now ?? Date.now
  if (typeof now !== 'function') {
    throw new TypeError('memoryStore: "now" must be a function returning milliseconds')
  }
  // A Map iterates in insertion order, so its first live entry is the oldest claim. We walk it with ONE
  // long-lived iterator: restarting `entries.keys()` after each front deletion makes V8 rescan the deleted
  // slots, which turns eviction quadratic (minutes at 1,000,000 keys instead of about a second).
  const entries = new Map<string, Entry>()
  let cursor = entries.entries()
  let head: [string, Entry] | undefined
  // Set when a walk met only live leases: until the first expires (or one is completed), claims at the bound
  // skip the walk, which would move every lease once more per claim (quadratic over a burst of leases).
  let allLeasesUntil = Number.NEGATIVE_INFINITY

  /**
   * The oldest entry still held. A key deleted and claimed again is a new Entry object, so a stale head is
   * skipped; a lease moved to the newest end is the same object, so `moveToNewest` clears the head itself.
   */
  function oldest(): [string, Entry] | undefined {
    for (;;) {
      if (head && entries.get(head[0]) === head[1]) return head
      let next = cursor.next()
      if (next.done) {
        // An exhausted iterator never sees later insertions; start a fresh one.
        cursor = entries.entries()
        next = cursor.next()
        if (next.done) {
          head = undefined
          return undefined
        }
      }
      head = next.value
    }
  }

  function dropOldest(): void {
    const entry = oldest()
    if (entry) entries.delete(entry[0])
    head = undefined
  }

  /** Re-sets the oldest entry, a live lease, at the newest end; the cursor meets it again after the rest. */
  function moveToNewest([key, entry]: [string, Entry]): void {
    entries.delete(key)
    entries.set(key, entry)
    head = undefined
  }

  /**
   * Evicts one entry for a new key: the oldest expired entry or done mark, moving each live lease in the
   * way to the newest end. Returns false, having evicted nothing, when every entry is a live lease.
   */
  function evictOne(time: number): boolean {
    if (time < allLeasesUntil) return false
    let earliest = Number.POSITIVE_INFINITY
    for (let moved = 0; moved < entries.size; moved++) {
      const entry = oldest()
      if (!entry) return false
      if (entry[1].done || entry[1].expiresAt <= time) {
        dropOldest()
        return true
      }
      earliest = Math.min(earliest, entry[1].expiresAt)
      moveToNewest(entry)
    }
    allLeasesUntil = earliest
    return false
  }

  function sweep(time: number): void {
    for (let budget = SWEEP_PER_CLAIM; budget > 0; budget--) {
      const entry = oldest()
      if (!entry || entry[1].expiresAt > time) return
      dropOldest()
    }
  }

  function insert(key: string, entry: Entry, time: number): void {
    // Above the bound (leases that outgrew it have finished since), this evicts until back under it.
    while (entries.size >= maxEntries) if (!evictOne(time)) break
    entries.set(key, entry)
    allLeasesUntil = entry.done ? Number.NEGATIVE_INFINITY : Math.min(allLeasesUntil, entry.expiresAt)
  }

  return {
    get size() {
      return entries.size
    },
    async claim(key, leaseMs, token): Promise<ClaimResult> {
      assertKey(key, 'memoryStore.claim')
      assertDuration(leaseMs, 'leaseMs', 'memoryStore.claim')
      assertToken(token, 'memoryStore.claim')
      const time = now()
      const entry = entries.get(key)
      if (entry && entry.expiresAt > time) return entry.done ? 'done' : 'in-progress'
      if (entry) entries.delete(key)
      sweep(time)
      insert(key, { done: false, expiresAt: time + leaseMs, token }, time)
      return 'claimed'
    },
    async complete(key, ttlMs) {
      assertKey(key, 'memoryStore.complete')
      assertDuration(ttlMs, 'ttlMs', 'memoryStore.complete')
      const entry = entries.get(key)
      const time = now()
      const expiresAt = time + ttlMs
      // Updated in place: completing does not make a claim younger, so eviction order stays claim order.
      if (entry) {
        allLeasesUntil = Number.NEGATIVE_INFINITY // a done mark can be evicted again
        entry.done = true
        entry.expiresAt = expiresAt
        entry.token = undefined
      } else {
        insert(key, { done: true, expiresAt, token: undefined }, time)
      }
    },
    async release(key, token) {
      assertKey(key, 'memoryStore.release')
      assertToken(token, 'memoryStore.release')
      const entry = entries.get(key)
      if (entry?.done === false && (token === undefined || entry.token === token)) entries.delete(key)
    },
  }
}
