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
 * Lease tokens: {@link runOnce} makes one unguessable `token` per call and passes it to `claim`, `release`
 * and `complete`. A store SHOULD record the token with the lease, and `release(key, token)` MUST drop only
 * a lease that holds that same token. Otherwise a handler that outlived its lease, then failed, would
 * release the retry's live lease (even in the same process) and let a third delivery run the handler
 * alongside the retry. The token is optional everywhere, so stores written without it keep working (they
 * only lack that protection), and a call without one keeps the store's old behaviour.
 *
 * @example
 * ```ts
 * // A minimal store over a Map (no bound, no atomicity across processes: use memoryStore instead).
 * const marks = new Map<string, { done: boolean; until: number; token?: string }>()
 * const mapStore: IdempotencyStore = {
 *   async claim(key, leaseMs, token) {
 *     const mark = marks.get(key)
 *     if (mark && mark.until > Date.now()) return mark.done ? 'done' : 'in-progress'
 *     marks.set(key, { done: false, until: Date.now() + leaseMs, token })
 *     return 'claimed'
 *   },
 *   async complete(key, ttlMs) { marks.set(key, { done: true, until: Date.now() + ttlMs }) },
 *   async release(key, token) {
 *     const mark = marks.get(key)
 *     if (mark?.done === false && (token === undefined || mark.token === token)) marks.delete(key)
 *   },
 * }
 * ```
 */
export interface IdempotencyStore {
  /**
   * Atomically takes a lease of `leaseMs` on `key` if nobody holds it and it is not done. A lease that
   * expires (the process died mid-handler) frees the key for the sender's next retry. `token` identifies
   * this claim (one per `runOnce` call); a store SHOULD keep it with the lease so that only this claim's
   * `release` can drop it.
   */
  claim(key: string, leaseMs: number, token?: string): Promise<ClaimResult>
  /**
   * Marks `key` done for `ttlMs`: deliveries of the same event within that time are duplicates. It does so
   * whoever holds the lease, even if this claim's lease expired and another delivery took the key: the
   * work did finish. `token` is the claim's, passed for stores that want it; the built-ins ignore it.
   */
  complete(key: string, ttlMs: number, token?: string): Promise<void>
  /**
   * Drops an in-progress lease so the sender's retry is processed (the handler failed). Must never drop a
   * done mark: a release that arrives after a completion is a no-op. With a `token`, it MUST drop only a
   * lease claimed with that same token: a late release after the lease expired and another delivery
   * claimed the key changes nothing. Without one, the store's old behaviour.
   */
  release(key: string, token?: string): Promise<void>
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
