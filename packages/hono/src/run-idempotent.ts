import type { VerifiedWebhook } from '@ledgerly/webhooks'
import { inProgressProblem } from '@ledgerly/webhooks/http'
import { type ResolvedIdempotencyOptions, runOnce } from '@ledgerly/webhooks/idempotency'
import type { Context, Next } from 'hono'

/** Thrown inside runOnce when the route did not answer 2xx, so the claim is released; never leaves this module. */
class NotHandled extends Error {}

/**
 * Whether the route handled the event: it answered 2xx, without an error. Any other answer (a 4xx the
 * handler chose, a redirect, the default 404 of a request no route matched, a route that answered nothing
 * and gets Hono's 500) is not a done event: the claim is released so a later delivery runs the route
 * again, as with the Express adapter. Ledgerly does not retry a 4xx, but an operator's re-send does arrive.
 */
function handled(c: Context): boolean {
  return !c.error && c.finalized && c.res.status >= 200 && c.res.status < 300
}

/**
 * Runs the rest of the route at most once per event. Hono's `next()` does not throw — a handler error is
 * turned into `c.error` plus the app's error response — so the outcome is read from `c.error` and the
 * answer, and a route that did not answer 2xx is reported to `runOnce` by throwing, which releases the
 * claim. Returns the response to send when the route did not run (duplicate or in progress); otherwise
 * the route's own answer stands, whatever its status.
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
      if (!handled(c)) throw new NotHandled()
    })
  } catch (error) {
    if (error instanceof NotHandled) return undefined // keep the route's (or the app's) own answer
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
