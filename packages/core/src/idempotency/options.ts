import { assertStore, type IdempotencyStore } from './store.js'
import { assertDuration } from './validate.js'

/**
 * Default lease: 30 s. Far above the < 2 s Ledgerly asks handlers to answer in, and at most the 40 s that
 * separate a first attempt from the last retry under the default policy (3 tries, backoff 10/30 s): if the
 * process dies mid-handler, that last retry finds the lease expired and is processed instead of getting a
 * third 503 and being dropped. See docs/exactly-once.md.
 *
 * @example
 * ```ts
 * runOnce(webhook, { store, leaseMs: DEFAULT_LEASE_MS }, handler) // the same as leaving leaseMs out
 * ```
 */
export const DEFAULT_LEASE_MS = 30_000

/**
 * Default time a done mark is kept: 24 h. The sender's own retry horizon is minutes (3 tries, backoff
 * 10/30/60 s, plus a timeout per attempt and queue delay), but failed jobs can be re-run by hand hours
 * later (`queue:retry`); a day covers that for about 200 bytes a key in Redis. See docs/exactly-once.md.
 *
 * @example
 * ```ts
 * runOnce(webhook, { store, ttlMs: 7 * DEFAULT_TTL_MS }, handler) // remember handled events for a week
 * ```
 */
export const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000

/**
 * Which store call failed after the handler ran (the handler's own outcome still wins).
 *
 * @example
 * ```ts
 * const onStoreError = (error: unknown, operation: StoreOperation) => logger.warn({ operation }, 'idempotency store')
 * ```
 */
export type StoreOperation = 'complete' | 'release'

/**
 * Options of {@link runOnce} and of the adapters' `idempotency` option.
 *
 * @example
 * ```ts
 * const idempotency: IdempotencyOptions = { store: memoryStore(), leaseMs: 30_000, ttlMs: 86_400_000 }
 * app.post('/webhooks', ledgerlyWebhook({ secret, idempotency }), handler)
 * ```
 */
export interface IdempotencyOptions {
  /** Where claims live: `memoryStore()` for one process, `redisStore()` for many. */
  store: IdempotencyStore
  /**
   * How long a claim blocks other deliveries of the same event while the handler runs, in ms (default
   * 30,000; at most 40 s with Ledgerly's default retry policy, see {@link DEFAULT_LEASE_MS}). Keep it above your handler's worst-case time: a lease that expires mid-handler lets a retry
   * run the handler a second time. After a crash the event is retried once the lease expires.
   */
  leaseMs?: number
  /** How long a completed event is remembered, in ms (default 24 h). Must cover the sender's retry horizon. */
  ttlMs?: number
  /**
   * Told when `complete` or `release` fails after the handler ran; the handler's result or error is still
   * what the caller gets. Default: `console.error` with the operation and the store's message.
   */
  onStoreError?: (error: unknown, operation: StoreOperation) => void
}

/**
 * {@link IdempotencyOptions} with defaults applied, as {@link validateIdempotencyOptions} returns them.
 *
 * @example
 * ```ts
 * const resolved: ResolvedIdempotencyOptions = validateIdempotencyOptions({ store })
 * resolved.leaseMs // 30000
 * ```
 */
export interface ResolvedIdempotencyOptions {
  readonly store: IdempotencyStore
  readonly leaseMs: number
  readonly ttlMs: number
  /** `Retry-After` for an in-progress duplicate: the lease in whole seconds, the longest it can be held. */
  readonly retryAfterSeconds: number
  readonly onStoreError: (error: unknown, operation: StoreOperation) => void
}

function reportStoreError(error: unknown, operation: StoreOperation): void {
  const message = error instanceof Error ? error.message : String(error)
  console.error(`@ledgerly/webhooks/idempotency: store.${operation} failed: ${message}`)
}

/**
 * Validates idempotency options once and applies the defaults. Adapters call it when they are built, so a
 * bad option throws at startup (TypeError/RangeError naming the option), not on the first request.
 *
 * @example
 * ```ts
 * import { memoryStore, validateIdempotencyOptions } from '@ledgerly/webhooks/idempotency'
 *
 * const idempotency = validateIdempotencyOptions({ store: memoryStore(), leaseMs: 30_000 }, 'webhookMiddleware')
 * idempotency.retryAfterSeconds // 30
 * ```
 */
export function validateIdempotencyOptions(
  options: IdempotencyOptions,
  caller = 'runOnce',
): ResolvedIdempotencyOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${caller}: idempotency options { store } are required`)
  }
  assertStore(options.store, caller)
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS
  assertDuration(leaseMs, 'leaseMs', caller)
  assertDuration(ttlMs, 'ttlMs', caller)
  const onStoreError = options.onStoreError ?? reportStoreError
  if (typeof onStoreError !== 'function') throw new TypeError(`${caller}: "onStoreError" must be a function`)
  return Object.freeze({
    store: options.store,
    leaseMs,
    ttlMs,
    retryAfterSeconds: Math.max(1, Math.ceil(leaseMs / 1000)),
    onStoreError,
  })
}
