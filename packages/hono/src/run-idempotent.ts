import type { VerifiedWebhook } from '@ledgerly/webhooks'
import { inProgressProblem } from '@ledgerly/webhooks/http'
import { type ResolvedIdempotencyOptions, runOnce } from '@ledgerly/webhooks/idempotency'
import type { Context, Next } from 'hono'

/** Thrown inside runOnce when the route failed, so the claim is released; never leaves this module. */
class RouteFailed extends Error {}

/**
 * Runs the rest of the route at most once per event. Hono's `next()` does not throw — a handler error is
 * turned into `c.error` plus the app's error response — so a failure is read from `c.error` or a 5xx
 * answer, and reported to `runOnce` by throwing, which releases the claim for the sender's retry.
 * Returns the response to send when the route did not run (duplicate or in progress).
 */
export async function nextOnce(
  c: Context,
  next: Next,
  webhook: VerifiedWebhook,
  idempotency: ResolvedIdempotencyOptions,
): Promise<Response | undefined> {
  let result: Awaited<ReturnType<typeof runOnce>>
  try {
    result = await runOnce(webhook, idempotency, async function runRoute() {
      await next()
      if (c.error || c.res.status >= 500) throw new RouteFailed()
    })
  } catch (error) {
    if (error instanceof RouteFailed) return undefined // keep the app's own error response
    throw error
  }
  // The same answer as the Express and edge adapters: the sender's log shows why nothing ran.
  if (result.outcome === 'duplicate') return c.json({ outcome: 'duplicate' }, 200)
  if (result.outcome === 'in-progress') {
    const answer = inProgressProblem(result.retryAfterSeconds)
    return c.body(answer.body, 503, answer.headers)
  }
  return undefined
}
