import type { EventMap, LedgerlyEvents, VerifiedWebhook } from '@ledgerly/webhooks'
import { answerFor, inProgressProblem, isRequestAbortedError, problem } from '@ledgerly/webhooks/http'
import { runOnce } from '@ledgerly/webhooks/idempotency'
import { responseOf } from './handler-result.js'
import { type EdgeWebhookOptions, settingsFor } from './settings.js'
import { verifyWith } from './verify-request.js'

/** What a delivery of an event already handled gets, as from the Express and Hono adapters. */
const DUPLICATE_BODY = '{"outcome":"duplicate"}'

/**
 * Your code for one verified webhook. Return a `Response`, or nothing (`undefined` or `null`) for
 * `204 No Content`; anything else is answered `500 INTERNAL_ERROR`. `request` is the runtime's own
 * request, its body already read: `webhook.raw` holds the verified bytes and `webhook.body` the parsed
 * JSON.
 */
export type WebhookHandler<Events extends EventMap, Args extends unknown[]> = (
  webhook: VerifiedWebhook<Events>,
  request: Request,
  ...runtimeArgs: Args
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing answers 204
) => Response | null | void | Promise<Response | null | void>

/**
 * Carries a handler's own non-2xx answer out of runOnce, so the claim is released (a later delivery runs
 * the handler again, as with the Express adapter) and the answer is still sent as it is.
 */
class NotHandled extends Error {
  constructor(readonly response: Response) {
    super('the handler did not answer 2xx')
  }
}

/**
 * Carries whatever the handler threw (or the `TypeError` for what it returned instead of a Response) out
 * of runOnce, so it is answered 500 whatever its type.
 */
class HandlerThrew extends Error {
  constructor(readonly error: unknown) {
    super('the handler threw')
  }
}

/** The empty answer to a sender gone mid-body: nobody reads it; 499 tells it apart in access logs. */
function clientClosedRequest(): Response {
  return new Response(null, { status: 499 })
}

/**
 * Wraps a handler into a Fetch handler `(request, ...runtimeArgs) => Promise<Response>` for Cloudflare
 * Workers, Next.js route handlers, `Deno.serve` and `Bun.serve`. The handler runs only for a verified
 * webhook, with the runtime's own `request` (its body already read: use `webhook.raw` or `webhook.body`); a
 * rejection is answered with
 * `application/problem+json` and its status, and an error thrown by the handler (or a return value that
 * is neither a `Response` nor `undefined`) becomes 500 `INTERNAL_ERROR` (so Ledgerly retries). A sender
 * gone mid-body gets an empty 499, with no `onError` call. With `idempotency`, the handler runs
 * once per event: a 2xx answer (or nothing, 204) marks the event done; a handler that throws or answers
 * anything else (a 4xx, a redirect, a 5xx) releases its claim, so a later delivery runs it again, and its
 * answer is sent as it is. A duplicate of a done event gets `200 {"outcome":"duplicate"}`, one in
 * progress gets 503 + `Retry-After`. Options are validated here, once.
 *
 * @example
 * ```ts
 * import { withLedgerlyWebhook } from '@ledgerly/webhooks-edge'
 *
 * export const POST = withLedgerlyWebhook(
 *   async (webhook) => {
 *     console.log(webhook.event, webhook.data.id)
 *   },
 *   { secret: process.env.LEDGERLY_WEBHOOK_SECRET! },
 * )
 * ```
 */
export function withLedgerlyWebhook<
  Events extends EventMap = LedgerlyEvents,
  Args extends unknown[] = unknown[],
>(
  handler: WebhookHandler<Events, Args>,
  options: EdgeWebhookOptions,
): (request: Request, ...runtimeArgs: Args) => Promise<Response> {
  if (typeof handler !== 'function') throw new TypeError('withLedgerlyWebhook: "handler" must be a function')
  const settings = settingsFor(options, 'withLedgerlyWebhook')

  return async function ledgerlyWebhookHandler(request: Request, ...runtimeArgs: Args): Promise<Response> {
    async function run(webhook: VerifiedWebhook<Events>): Promise<Response> {
      try {
        // The runtime's own request, not a copy: Bun's server.requestIP(request) and Workers' request.cf key
        // on it. Its body was read to verify it; webhook.raw and webhook.body hold it.
        return responseOf(await handler(webhook, request, ...runtimeArgs))
      } catch (error) {
        throw new HandlerThrew(error)
      }
    }
    try {
      const webhook = await verifyWith<Events>(settings, request, runtimeArgs)
      const { idempotency } = settings
      if (!idempotency) return await run(webhook)
      const result = await runOnce(webhook, idempotency, async function runHandlerOnce() {
        const response = await run(webhook)
        // Only a 2xx answer (204 for a handler that returned nothing) means the event was handled.
        if (response.status < 200 || response.status >= 300) throw new NotHandled(response)
        return response
      })
      if (result.outcome === 'handled') return result.value
      // The same answer as the Express and Hono adapters: the sender's log shows why nothing ran.
      if (result.outcome === 'duplicate') {
        return new Response(DUPLICATE_BODY, { status: 200, headers: { 'content-type': 'application/json' } })
      }
      const answer = inProgressProblem(result.retryAfterSeconds)
      return new Response(answer.body, { status: answer.status, headers: answer.headers })
    } catch (error) {
      if (error instanceof NotHandled) return error.response
      // Nobody is left to read an answer, and anyone can cause it: no onError, nothing logged.
      if (isRequestAbortedError(error)) return clientClosedRequest()
      // The handler's own failure is always 500, whatever it threw: a 4xx would end Ledgerly's retries.
      const answer =
        error instanceof HandlerThrew
          ? await answerFor(error.error, settings.onError, problem('INTERNAL_ERROR', 500))
          : await answerFor(error, settings.onError)
      return new Response(answer.body, { status: answer.status, headers: answer.headers })
    }
  }
}
