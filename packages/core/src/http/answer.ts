import { isWebhookVerificationError } from '../errors.js'
import type { AdapterErrorHook } from './adapter-options.js'
import { type ProblemResponse, problemFor, problem as problemOf } from './problem.js'
import { isRequestAbortedError } from './request-aborted.js'

function isProblemResponse(value: unknown): value is ProblemResponse {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<ProblemResponse>
  return (
    typeof candidate.status === 'number' &&
    Number.isInteger(candidate.status) &&
    candidate.status >= 200 &&
    candidate.status <= 599 &&
    typeof candidate.body === 'string' &&
    typeof candidate.headers === 'object' &&
    candidate.headers !== null
  )
}

/**
 * Without an `onError` hook, a 5xx answer is written to `console.error` with the error (and its stack): it is
 * the receiver's own failure (a handler that threw, a body parser mounted first, a clock in seconds), and the
 * problem+json the sender gets is all anyone would see otherwise. 4xx answers are the client's mistake or a
 * forgery; they are not logged by default, so nobody can flood the logs. Neither is a `RequestAbortedError`
 * (a sender gone mid-body), whatever answer it is given: anyone can cause one without a signature.
 */
function reportServerError(error: unknown, problem: ProblemResponse): void {
  const code = isWebhookVerificationError(error) ? error.code : 'INTERNAL_ERROR'
  console.error(
    `@ledgerly/webhooks: answered ${problem.status} ${code} (pass onError to log it yourself)`,
    error,
  )
}

/**
 * The answer an adapter sends for a caught error: {@link problemFor} (or `answer`, when the adapter knows
 * better than the error's type), then the app's `onError` hook, which may replace it. With no hook, a 5xx
 * answer is logged with `console.error` (the error and its stack); a 4xx is not, nor a
 * {@link RequestAbortedError} (adapters answer that one themselves: an empty 499, or nothing on a closed socket). A hook that throws,
 * or returns something that is not a `ProblemResponse`, cannot take the server down: a throw becomes 500
 * `INTERNAL_ERROR`, anything else keeps the default answer.
 *
 * Pass `answer` for an error the app's own handler threw: whatever its type (even a
 * `WebhookVerificationError` from verifying something else), it is the receiver's failure, so it must be
 * answered `problem('INTERNAL_ERROR', 500)` — a 4xx would make Ledgerly drop the delivery for good.
 *
 * @example
 * ```ts
 * import { answerFor } from '@ledgerly/webhooks/http'
 * const answer = await answerFor(error, settings.onError)
 * res.status(answer.status).set(answer.headers).send(answer.body)
 * ```
 */
export async function answerFor(
  error: unknown,
  onError?: AdapterErrorHook,
  answer?: ProblemResponse,
): Promise<ProblemResponse> {
  const problem = answer ?? problemFor(error)
  if (!onError) {
    if (problem.status >= 500 && !isRequestAbortedError(error)) reportServerError(error, problem)
    return problem
  }
  try {
    const replaced = await onError(error, problem)
    return isProblemResponse(replaced) ? replaced : problem
  } catch {
    return problemOf('INTERNAL_ERROR', 500)
  }
}
