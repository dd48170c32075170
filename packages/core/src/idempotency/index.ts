/**
 * `@ledgerly/webhooks/idempotency`: turn at-least-once delivery into exactly-once handling, in one
 * process ({@link memoryStore}) or across many sharing Redis (`@ledgerly/webhooks-redis`).
 *
 * @module
 */
export { idempotencyKey } from './key.js'
export type { MemoryIdempotencyStore, MemoryStoreOptions } from './memory-store.js'
export { DEFAULT_MAX_ENTRIES, memoryStore } from './memory-store.js'
export type { IdempotencyOptions, ResolvedIdempotencyOptions, StoreOperation } from './options.js'
export { DEFAULT_LEASE_MS, DEFAULT_TTL_MS, validateIdempotencyOptions } from './options.js'
export type { ReplayGuard, ReplayGuardOptions, ReplayVerdict } from './replay-guard.js'
export { createReplayGuard } from './replay-guard.js'
export type { RunOnceResult } from './run-once.js'
export { runOnce } from './run-once.js'
export type { ClaimResult, IdempotencyStore } from './store.js'
export { MAX_DURATION_MS, MAX_KEY_LENGTH } from './validate.js'
