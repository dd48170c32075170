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
  /** Most keys held at once (default 100,000). When full, the oldest claim is evicted first. */
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
 * A bounded, single-process {@link IdempotencyStore}: the default. Leases and done marks expire (TTL) and
 * the entry count never exceeds `maxEntries`; at the bound the OLDEST claim is evicted first (expired ones
 * are swept as claims arrive). Eviction only shortens how long duplicates are remembered, so size the
 * bound for your event rate × `ttlMs`. Claims are atomic within one process because a JavaScript thread
 * runs one claim to completion; with several processes or machines use `redisStore`. A lease keeps the
 * claim's token, and `release(key, token)` drops only the lease holding that token (without a token, any
 * lease), so a late release never frees a retry's lease.
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

  /** The oldest live entry. A key deleted and claimed again is a new Entry object, so a stale head is skipped. */
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

  function sweep(time: number): void {
    for (let budget = SWEEP_PER_CLAIM; budget > 0; budget--) {
      const entry = oldest()
      if (!entry || entry[1].expiresAt > time) return
      dropOldest()
    }
  }

  function insert(key: string, entry: Entry): void {
    while (entries.size >= maxEntries) dropOldest()
    entries.set(key, entry)
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
      insert(key, { done: false, expiresAt: time + leaseMs, token })
      return 'claimed'
    },
    async complete(key, ttlMs) {
      assertKey(key, 'memoryStore.complete')
      assertDuration(ttlMs, 'ttlMs', 'memoryStore.complete')
      const entry = entries.get(key)
      const expiresAt = now() + ttlMs
      // Updated in place: completing does not make a claim younger, so eviction order stays claim order.
      if (entry) {
        entry.done = true
        entry.expiresAt = expiresAt
        entry.token = undefined
      } else {
        insert(key, { done: true, expiresAt, token: undefined })
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
