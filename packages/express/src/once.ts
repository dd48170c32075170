import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { VerifiedWebhookBase } from '@ledgerly/webhooks'
import { problem } from '@ledgerly/webhooks/http'
import {
  idempotencyKey,
  type ResolvedIdempotencyOptions,
  type StoreOperation,
} from '@ledgerly/webhooks/idempotency'
import { sendProblem } from './answer.js'

const DUPLICATE_BODY = JSON.stringify({ outcome: 'duplicate' })

function settle(
  idempotency: ResolvedIdempotencyOptions,
  key: string,
  token: string,
  operation: StoreOperation,
): void {
  const { store, ttlMs, onStoreError } = idempotency
  // Promise.resolve().then: a store method that throws synchronously is caught too. The answer is already
  // sent, so a failing store can only be reported, never change it.
  Promise.resolve()
    .then(() => (operation === 'complete' ? store.complete(key, ttlMs, token) : store.release(key, token)))
    .catch(function reportStoreError(error: unknown) {
      try {
        onStoreError(error, operation)
      } catch {
        // A throwing reporter must not become an unhandled rejection.
      }
    })
}

/**
 * Exactly-once handling for a middleware, where the handler is whatever `next()` reaches and its outcome
 * is only known from the response. Claims the event's key before the handler runs, then:
 *
 * - already done → answers `200 {"outcome":"duplicate"}` itself; the handler does not run;
 * - held by another delivery → answers `503` `IN_PROGRESS` with `Retry-After` (never 4xx: Ledgerly would
 *   drop the event for good);
 * - claimed → returns `true` (call `next()`); when the response finishes, a 2xx marks the key done for
 *   `ttlMs` and any other status releases it, so the sender's retry is processed.
 *
 * A connection that closes before the response finished leaves the lease in place: the handler may still
 * be running, and releasing would let a retry run it a second time. The lease expires after `leaseMs`,
 * as after a crash, and the next retry is processed then.
 */
export async function claimOrAnswer(
  // Whatever the event map: the key is built from `scheme`, `event` and `id` only.
  webhook: VerifiedWebhookBase & { event: string },
  req: IncomingMessage,
  res: ServerResponse,
  idempotency: ResolvedIdempotencyOptions,
): Promise<boolean> {
  const key = idempotencyKey(webhook)
  // One token per claim: a late release from a route that outlived its lease cannot free a retry's lease.
  const token = randomUUID()
  const claim = await idempotency.store.claim(key, idempotency.leaseMs, token)
  if (claim === 'done') {
    res.statusCode = 200
    res.setHeader('content-type', 'application/json')
    res.setHeader('content-length', Buffer.byteLength(DUPLICATE_BODY))
    res.end(DUPLICATE_BODY)
    return false
  }
  if (claim === 'in-progress') {
    sendProblem(
      req,
      res,
      problem('IN_PROGRESS', 503, { 'retry-after': String(idempotency.retryAfterSeconds) }),
    )
    return false
  }
  if (claim !== 'claimed') throw new TypeError(`ledgerlyWebhook: store.claim returned ${String(claim)}`)
  res.once('finish', function settleClaim() {
    settle(idempotency, key, token, res.statusCode >= 200 && res.statusCode < 300 ? 'complete' : 'release')
  })
  return true
}
