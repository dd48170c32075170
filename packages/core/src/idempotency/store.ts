/**
 * What {@link IdempotencyStore.claim} found:
 * - `'claimed'`: nobody held the key; the caller now holds a lease on it and must run the handler.
 * - `'in-progress'`: another delivery holds an unexpired lease; answer 503 with `Retry-After`.
 * - `'done'`: a delivery already completed; answer 200 without running the handler.
 *
 * @example
 * ```ts
 * const state: ClaimResult = await store.claim('ledgerly:entry_persisted:entry_1', 60_000)
 * ```
 */
export type ClaimResult = 'claimed' | 'in-progress' | 'done'

/**
 * Where claims and completion marks live. Implementations must make `claim` atomic: of any number of
 * concurrent claims of one key (across every process sharing the store), exactly one sees `'claimed'`.
 * The built-ins are {@link memoryStore} (one process) and `redisStore` from `@ledgerly/webhooks-redis`
 * (many processes or machines).
 *
 * @example
 * ```ts
 * // A minimal store over a Map (no bound, no atomicity across processes: use memoryStore instead).
 * const marks = new Map<string, { done: boolean; until: number }>()
 * const mapStore: IdempotencyStore = {
 *   async claim(key, leaseMs) {
 *     const mark = marks.get(key)
 *     if (mark && mark.until > Date.now()) return mark.done ? 'done' : 'in-progress'
 *     marks.set(key, { done: false, until: Date.now() + leaseMs })
 *     return 'claimed'
 *   },
 *   async complete(key, ttlMs) { marks.set(key, { done: true, until: Date.now() + ttlMs }) },
 *   async release(key) { if (marks.get(key)?.done === false) marks.delete(key) },
 * }
 * ```
 */
export interface IdempotencyStore {
  /**
   * Atomically takes a lease of `leaseMs` on `key` if nobody holds it and it is not done. A lease that
   * expires (the process died mid-handler) frees the key for the sender's next retry.
   */
  claim(key: string, leaseMs: number): Promise<ClaimResult>
  /** Marks `key` done for `ttlMs`: deliveries of the same event within that time are duplicates. */
  complete(key: string, ttlMs: number): Promise<void>
  /**
   * Drops an in-progress lease so the sender's retry is processed (the handler failed). Must never drop a
   * done mark: a release that arrives after a completion is a no-op.
   */
  release(key: string): Promise<void>
}

/** Throws a TypeError naming the caller when `store` does not have the three methods of the contract. */
export function assertStore(store: unknown, caller: string): asserts store is IdempotencyStore {
  const candidate = store as Partial<IdempotencyStore> | null
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.claim !== 'function' ||
    typeof candidate.complete !== 'function' ||
    typeof candidate.release !== 'function'
  ) {
    throw new TypeError(
      `${caller}: "store" must be an IdempotencyStore with claim, complete and release (for example memoryStore())`,
    )
  }
}
