import { toHex } from '../bytes.js'
import type { VerifiedWebhookBase } from '../types.js'
import { idempotencyKey } from './key.js'
import { type IdempotencyOptions, type StoreOperation, validateIdempotencyOptions } from './options.js'

/**
 * What {@link runOnce} did, and the HTTP answer each outcome calls for:
 * - `handled` → the handler ran and succeeded: 2xx.
 * - `duplicate` → this event was already handled: 200, handler not run.
 * - `in-progress` → another delivery is running it now: 503 with `Retry-After: retryAfterSeconds` (never
 *   4xx, which the sender treats as permanent).
 *
 * @example
 * ```ts
 * const result: RunOnceResult<void> = await runOnce(webhook, { store }, handler)
 * const status = result.outcome === 'in-progress' ? 503 : 200
 * ```
 */
export type RunOnceResult<T> =
  | { outcome: 'handled'; value: T }
  | { outcome: 'duplicate' }
  | { outcome: 'in-progress'; retryAfterSeconds: number }

/**
 * A fresh, unguessable lease token (128 random bits as hex) for one {@link runOnce} call. Web Crypto's
 * `getRandomValues` exists on Node, Bun, Deno, workers and browsers (unlike `randomUUID`, which browsers
 * only offer in secure contexts).
 */
function leaseToken(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(16)))
}

function safely(
  operation: StoreOperation,
  run: () => Promise<void>,
  report: (error: unknown, operation: StoreOperation) => void,
): Promise<void> {
  // Promise.resolve().then: a store method that throws synchronously is caught too.
  return Promise.resolve()
    .then(run)
    .catch(function reportFailure(error: unknown) {
      try {
        report(error, operation)
      } catch {
        // A throwing reporter must not replace the handler's outcome.
      }
    })
}

/**
 * Runs `handler` at most once per event across every delivery that shares `store`, turning the sender's
 * at-least-once delivery into exactly-once handling. It claims the event's {@link idempotencyKey}; on
 * success it marks the key done for `ttlMs`; if the handler throws it releases the claim (so the sender's
 * retry is processed) and rethrows — answer 5xx. A failing `claim` rejects (answer 5xx: the sender
 * retries); a failing `complete` or `release` is reported to `onStoreError` and does not change the
 * outcome, because the handler's work is already done (or already failed).
 *
 * Each call makes its own lease token and passes it to `claim`, `release` and `complete`, so the release
 * of a handler that outlived its lease and then failed cannot free the lease a retry took meanwhile (see
 * `IdempotencyStore`).
 *
 * @example
 * ```ts
 * import { memoryStore, runOnce } from '@ledgerly/webhooks/idempotency'
 *
 * const store = memoryStore()
 * const result = await runOnce(webhook, { store }, () => saveEntry(webhook.data))
 * if (result.outcome === 'in-progress') {
 *   return new Response(null, { status: 503, headers: { 'retry-after': String(result.retryAfterSeconds) } })
 * }
 * return new Response(null, { status: 200 }) // handled or duplicate
 * ```
 */
export async function runOnce<T>(
  webhook: VerifiedWebhookBase & { event: string },
  options: IdempotencyOptions,
  handler: () => T | Promise<T>,
): Promise<RunOnceResult<T>> {
  const { store, leaseMs, ttlMs, retryAfterSeconds, onStoreError } = validateIdempotencyOptions(options)
  if (typeof handler !== 'function') throw new TypeError('runOnce: "handler" must be a function')
  const key = idempotencyKey(webhook)
  const token = leaseToken()
  const claim = await store.claim(key, leaseMs, token)
  if (claim === 'done') return { outcome: 'duplicate' }
  if (claim === 'in-progress') return { outcome: 'in-progress', retryAfterSeconds }
  if (claim !== 'claimed') {
    throw new TypeError(`runOnce: store.claim returned ${typeof claim} ${String(claim)}, not a ClaimResult`)
  }
  let value: T
  try {
    value = await handler()
  } catch (error) {
    await safely('release', () => store.release(key, token), onStoreError)
    throw error
  }
  await safely('complete', () => store.complete(key, ttlMs, token), onStoreError)
  return { outcome: 'handled', value }
}
