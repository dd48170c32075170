import { isWebhookVerificationError, type WebhookErrorCode } from '../errors.js'

/**
 * An HTTP answer in `application/problem+json` (RFC 9457), ready for any framework to send: the adapters
 * copy `status`, `headers` and `body` into their own response type.
 */
export interface ProblemResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** Every code an adapter can answer with: the verifier's codes plus the adapters' own. */
export type ProblemCode = WebhookErrorCode | 'FORBIDDEN_SOURCE' | 'INTERNAL_ERROR' | 'IN_PROGRESS'

const FORBIDDEN_BRAND = Symbol.for('ledgerly.webhooks.forbidden-source-error')

/**
 * Raised by an adapter when the request's source address is not in `allowedIps`. Answers 403: a sender
 * outside the list will never be let in, so a retry cannot help.
 *
 * @example
 * ```ts
 * import { ForbiddenSourceError, problemFor } from '@ledgerly/webhooks/http'
 * problemFor(new ForbiddenSourceError()).status // 403
 * ```
 */
export class ForbiddenSourceError extends Error {
  readonly code = 'FORBIDDEN_SOURCE' as const
  readonly status = 403 as const

  constructor(message = 'The request comes from an address outside allowedIps') {
    super(message)
    this.name = 'ForbiddenSourceError'
    Object.defineProperty(this, FORBIDDEN_BRAND, { value: true })
  }
}

/**
 * Tells a {@link ForbiddenSourceError} apart without `instanceof` (two copies of the package may be loaded).
 *
 * @example
 * ```ts
 * import { ForbiddenSourceError, isForbiddenSourceError } from '@ledgerly/webhooks/http'
 * isForbiddenSourceError(new ForbiddenSourceError()) // true
 * isForbiddenSourceError(new Error('forbidden')) // false
 * ```
 */
export function isForbiddenSourceError(error: unknown): error is ForbiddenSourceError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[FORBIDDEN_BRAND] === true
  )
}

// Fixed titles, never the error's message: the answer goes to the sender, and a title must not vary with
// (or leak) anything computed from the request or the secret.
const TITLES: Record<ProblemCode, string> = {
  MISSING_SIGNATURE: 'Missing webhook signature',
  MALFORMED_SIGNATURE: 'Malformed webhook signature',
  MISSING_TIMESTAMP: 'Missing webhook timestamp',
  MALFORMED_TIMESTAMP: 'Malformed webhook timestamp',
  TIMESTAMP_TOO_OLD: 'Webhook timestamp too old',
  TIMESTAMP_TOO_NEW: 'Webhook timestamp too far in the future',
  SIGNATURE_MISMATCH: 'Webhook signature mismatch',
  PAYLOAD_TOO_LARGE: 'Webhook body too large',
  INVALID_PAYLOAD: 'Invalid webhook body',
  PAYLOAD_NOT_RAW: 'Webhook body was parsed before verification',
  FORBIDDEN_SOURCE: 'Webhook source address not allowed',
  INTERNAL_ERROR: 'Internal error while handling the webhook',
  IN_PROGRESS: 'Webhook already being handled',
}

/**
 * The stable `type` URI of a code, as problem answers carry it.
 *
 * @example
 * ```ts
 * import { problemType } from '@ledgerly/webhooks/http'
 * problemType('SIGNATURE_MISMATCH') // 'https://ledgerly.dev/webhooks/errors/signature-mismatch'
 * ```
 */
export function problemType(code: ProblemCode): string {
  return `https://ledgerly.dev/webhooks/errors/${code.toLowerCase().replaceAll('_', '-')}`
}

/**
 * Builds a problem answer for one code and status, with optional extra headers (such as `Retry-After`).
 *
 * @example
 * ```ts
 * problem('IN_PROGRESS', 503, { 'retry-after': '5' }).headers['retry-after'] // '5'
 * ```
 */
export function problem(
  code: ProblemCode,
  status: number,
  extraHeaders?: Record<string, string>,
): ProblemResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...extraHeaders },
    body: JSON.stringify({ type: problemType(code), title: TITLES[code], status, code }),
  }
}

/**
 * The answer to a delivery whose event another delivery is handling right now: 503 with `Retry-After`,
 * never a 4xx (the sender would drop the event for good).
 *
 * @example
 * ```ts
 * import { inProgressProblem } from '@ledgerly/webhooks/http'
 * inProgressProblem(60).headers['retry-after'] // '60'
 * ```
 */
export function inProgressProblem(retryAfterSeconds: number): ProblemResponse {
  return problem('IN_PROGRESS', 503, { 'retry-after': String(retryAfterSeconds) })
}

/**
 * Maps anything an adapter caught to the answer to send: a `WebhookVerificationError` keeps its code and
 * status (see the README's error table), a refused source address is 403 `FORBIDDEN_SOURCE`, and anything else is 500
 * `INTERNAL_ERROR` with no detail, so the sender retries and nothing internal leaks.
 *
 * @example
 * ```ts
 * import { problemFor } from '@ledgerly/webhooks/http'
 * const answer = problemFor(error)
 * return new Response(answer.body, { status: answer.status, headers: answer.headers })
 * ```
 */
export function problemFor(error: unknown): ProblemResponse {
  if (isWebhookVerificationError(error)) return problem(error.code, error.status)
  if (isForbiddenSourceError(error)) return problem('FORBIDDEN_SOURCE', 403)
  return problem('INTERNAL_ERROR', 500)
}
