import type { AdapterErrorHook } from './adapter-options.js'
import { type ProblemResponse, problemFor, problem as problemOf } from './problem.js'

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
 * The answer an adapter sends for a caught error: {@link problemFor}, then the app's `onError` hook, which
 * may replace it. A hook that throws, or returns something that is not a `ProblemResponse`, cannot take
 * the server down: a throw becomes 500 `INTERNAL_ERROR`, anything else keeps the default answer.
 *
 * @example
 * ```ts
 * import { answerFor } from '@ledgerly/webhooks/http'
 * const answer = await answerFor(error, settings.onError)
 * res.status(answer.status).set(answer.headers).send(answer.body)
 * ```
 */
export async function answerFor(error: unknown, onError?: AdapterErrorHook): Promise<ProblemResponse> {
  const problem = problemFor(error)
  if (!onError) return problem
  try {
    const replaced = await onError(error, problem)
    return isProblemResponse(replaced) ? replaced : problem
  } catch {
    return problemOf('INTERNAL_ERROR', 500)
  }
}
