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

/**
 * Marks the key done (`complete`) or frees it (`release`). The answer is sent already: a failing store can
 * only be reported.
 */
function settle(
  idempotency: ResolvedIdempotencyOptions,
  key: string,
  token: string,
  operation: StoreOperation,
): void {
  const { store, ttlMs, onStoreError } = idempotency
  // Promise.resolve().then: a store method that throws synchronously is caught too.
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
 * Settles the claim when the handler ends its response: a 2xx completes it, anything else releases it.
 * Reading the outcome from `'finish'` instead missed every answer whose client had already hung up (a
 * sender that timed out: Node then emits only `'close'`), so a handler that had succeeded kept its lease
 * and ran again once the lease expired. The real `end` runs first and at once, exactly as Express called
 * it (holding it back until the store answered broke Express's own `headersSent` checks and turned a
 * second `end()` into a crash); an `end` that throws (a bad chunk) releases the claim.
 */
function settleOnEnd(
  res: ServerResponse,
  idempotency: ResolvedIdempotencyOptions,
  key: string,
  token: string,
): void {
  const end = res.end
  res.end = function endAndSettle(this: ServerResponse, ...args: unknown[]) {
    res.end = end // once: a second end() is Node's own
    let ended: ServerResponse
    try {
      ended = (end as (...endArgs: unknown[]) => ServerResponse).apply(this, args)
    } catch (error) {
      settle(idempotency, key, token, 'release')
      throw error
    }
    const handled = res.statusCode >= 200 && res.statusCode < 300
    settle(idempotency, key, token, handled ? 'complete' : 'release')
    return ended
  } as ServerResponse['end']
}

/**
 * Exactly-once handling for a middleware, where the handler is whatever `next()` reaches and its outcome
 * is only known from the response. Claims the event's key before the handler runs, then:
 *
 * - already done → answers `200 {"outcome":"duplicate"}` itself; the handler does not run;
 * - held by another delivery → answers `503` `IN_PROGRESS` with `Retry-After` (never 4xx: Ledgerly would
 *   drop the event for good);
 * - claimed → returns `true` (call `next()`); when the handler ends its response (`res.end()`, which
 *   `res.send()`, `res.json()` and `res.sendStatus()` call), a 2xx marks the key done for `ttlMs` and any
 *   other status releases it, so a later delivery is processed. That holds when the client has already
 *   hung up, too. The answer is not held back for the store: a redelivery in the few milliseconds before
 *   the store has recorded it gets 503 `IN_PROGRESS`, which the sender retries.
 *
 * A handler that never ends its response (it hangs, or the process dies) leaves the lease in place: the
 * lease expires after `leaseMs`, as after a crash, and the next retry is processed then.
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
  settleOnEnd(res, idempotency, key, token)
  return true
}
