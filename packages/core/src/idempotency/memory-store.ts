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

/** Expired entries dropped from the oldest end of each map per claim, so clean-up is spread over calls. */
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
   * Most keys held at once (default 100,000). When full, the oldest lease if it has expired, else the oldest
   * done mark, is evicted; a live lease never is, so while more leases than this are live at once the store
   * holds them all.
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

/** A claim in progress, in `leases` (claim order). */
interface Lease {
  expiresAt: number
  /** The token of the claim holding the key; `undefined` for a claim without one. */
  token: string | undefined
}

/** A completed key, in `marks` (completion order). */
interface Mark {
  expiresAt: number
}

/** The oldest end of a Map, read with one long-lived iterator (see {@link oldestEnd}). */
interface OldestEnd<V> {
  /** The oldest entry still held, or `undefined` when the map is empty. */
  peek(): [string, V] | undefined
  /** Deletes the oldest entry still held, if any. */
  drop(): void
}

/**
 * Reads `map` from its oldest end (a Map iterates in insertion order) with ONE long-lived iterator:
 * restarting `map.keys()` after each front deletion makes V8 rescan the deleted slots, which turns eviction
 * quadratic (minutes at 1,000,000 keys instead of about a second). A key deleted and set again must get a
 * new value object (its place is then the newest end), so a stale head is recognised and skipped.
 *
 * An idle iterator is a leak, though: it keeps the table it last read alive, and with it every table V8 has
 * re-hashed the map into since, as keys come and go behind the head (about 50 bytes per claim and complete
 * behind one long lease, measured). So the iterator is let go while the map is empty, and restarted once the
 * same head has been found `map.size + 16` times: the restart skips at most the deleted slots before the
 * head, about the map's size, so the cost stays amortised O(1).
 */
function oldestEnd<V extends object>(map: Map<string, V>): OldestEnd<V> {
  let cursor: Iterator<[string, V]> | undefined
  let head: [string, V] | undefined
  let idle = 0
  function peek(): [string, V] | undefined {
    if (map.size === 0) {
      cursor = undefined
      head = undefined
      return undefined
    }
    for (;;) {
      if (head && map.get(head[0]) === head[1]) {
        idle += 1
        if (idle <= map.size + 16) return head
        cursor = undefined
      }
      idle = 0
      let next = cursor?.next()
      if (!next || next.done) {
        // A new iterator, or an exhausted one (it never sees later insertions): start a fresh one.
        cursor = map.entries()
        next = cursor.next()
        if (next.done) {
          head = undefined
          return undefined
        }
      }
      head = next.value
    }
  }
  return {
    peek,
    drop() {
      const entry = peek()
      if (entry) map.delete(entry[0])
      head = undefined
    },
  }
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
 * expired ones are swept as claims arrive. At `maxEntries` a new key evicts the oldest lease (claim order)
 * if it has expired, else the oldest done mark (completion order), even one still within its TTL. A live
 * lease is never evicted, since a duplicate would then run its handler a second time while the first still
 * runs: when every entry is a live lease the store grows past the bound (by the handlers in flight) and
 * shrinks back as they finish. Evicting a done mark shortens how long that event's duplicates are
 * remembered, so size the bound for your event rate × `ttlMs`. Every call is amortised O(1), however many
 * leases are live. Claims are atomic within one process because a JavaScript thread runs one claim to
 * completion; with several processes or machines use `redisStore`. A lease keeps the claim's token, and
 * `release(key, token)` drops only the lease holding that token (without a token, any lease), so a late
 * release never frees a retry's lease.
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
  // Two maps, so eviction never has to look past live leases: a key is in at most one of them. Leases in
  // claim order: the oldest is the first to expire (for one lease length). Done marks in completion order.
  const leases = new Map<string, Lease>()
  const marks = new Map<string, Mark>()
  const oldestLease = oldestEnd(leases)
  const oldestMark = oldestEnd(marks)

  /**
   * Evicts one entry for a new key: the oldest lease if it has expired, else the oldest done mark. Returns
   * false, having evicted nothing, when the oldest lease is live and there is no done mark.
   */
  function evictOne(time: number): boolean {
    const lease = oldestLease.peek()
    if (lease && lease[1].expiresAt <= time) oldestLease.drop()
    else if (marks.size > 0) oldestMark.drop()
    else return false
    return true
  }

  /** Drops up to {@link SWEEP_PER_CLAIM} expired entries from the oldest end of one map. */
  function sweepEnd<V extends { expiresAt: number }>(end: OldestEnd<V>, time: number): void {
    for (let budget = SWEEP_PER_CLAIM; budget > 0; budget--) {
      const entry = end.peek()
      if (!entry || entry[1].expiresAt > time) return
      end.drop()
    }
  }

  /** Makes room for one new key (above the bound, after leases that outgrew it finished: back under it). */
  function makeRoom(time: number): void {
    while (leases.size + marks.size >= maxEntries) if (!evictOne(time)) return
  }

  return {
    get size() {
      return leases.size + marks.size
    },
    async claim(key, leaseMs, token): Promise<ClaimResult> {
      assertKey(key, 'memoryStore.claim')
      assertDuration(leaseMs, 'leaseMs', 'memoryStore.claim')
      assertToken(token, 'memoryStore.claim')
      const time = now()
      const lease = leases.get(key)
      if (lease) {
        if (lease.expiresAt > time) return 'in-progress'
        leases.delete(key)
      } else {
        const mark = marks.get(key)
        if (mark) {
          if (mark.expiresAt > time) return 'done'
          marks.delete(key)
        }
      }
      sweepEnd(oldestLease, time)
      sweepEnd(oldestMark, time)
      makeRoom(time)
      leases.set(key, { expiresAt: time + leaseMs, token })
      return 'claimed'
    },
    async complete(key, ttlMs) {
      assertKey(key, 'memoryStore.complete')
      assertDuration(ttlMs, 'ttlMs', 'memoryStore.complete')
      const time = now()
      // A key already held (a lease, or a mark completed again) moves to the newest end of `marks` and
      // takes no room; only an unknown key may evict. A new object each time: see `oldestEnd`.
      const held = leases.delete(key) || marks.delete(key)
      if (!held) makeRoom(time)
      marks.set(key, { expiresAt: time + ttlMs })
    },
    async release(key, token) {
      assertKey(key, 'memoryStore.release')
      assertToken(token, 'memoryStore.release')
      const lease = leases.get(key)
      if (lease && (token === undefined || lease.token === token)) leases.delete(key)
    },
  }
}
