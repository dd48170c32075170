/**
 * The closed set of reasons a webhook can be rejected, each with the HTTP status a receiver should answer.
 *
 * Ledgerly treats every 4xx as permanent and stops retrying, so only a request that can never succeed gets
 * a 4xx. `PAYLOAD_NOT_RAW` is the receiver's own bug (a body parser ran first), so it maps to 500 and the
 * sender keeps retrying while you fix it.
 *
 * @example
 * ```ts
 * import { ERROR_STATUS } from '@ledgerly/webhooks'
 * ERROR_STATUS.SIGNATURE_MISMATCH // 401
 * ```
 */
export const ERROR_STATUS = {
  MISSING_SIGNATURE: 400,
  MALFORMED_SIGNATURE: 400,
  MISSING_TIMESTAMP: 400,
  MALFORMED_TIMESTAMP: 400,
  TIMESTAMP_TOO_OLD: 401,
  TIMESTAMP_TOO_NEW: 401,
  SIGNATURE_MISMATCH: 401,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_PAYLOAD: 400,
  PAYLOAD_NOT_RAW: 500,
} as const

/**
 * A stable, machine-readable rejection code. Codes are part of the public contract: they never change
 * meaning between versions.
 */
export type WebhookErrorCode = keyof typeof ERROR_STATUS

const BRAND = Symbol.for('ledgerly.webhooks.verification-error')

/**
 * Thrown (or rejected) when a request is not a valid Ledgerly webhook.
 *
 * `code` is one of {@link WebhookErrorCode}; `status` is the HTTP status to answer with. Messages are
 * written for the person debugging and never contain a secret or an expected digest.
 *
 * @example
 * ```ts
 * try {
 *   await verify({ payload, headers }, { secret })
 * } catch (error) {
 *   if (isWebhookVerificationError(error)) return new Response(error.message, { status: error.status })
 *   throw error
 * }
 * ```
 */
export class WebhookVerificationError extends Error {
  /** The stable rejection code. */
  readonly code: WebhookErrorCode
  /** The HTTP status a receiver should answer with. */
  readonly status: number
  /** A suggestion on how to fix the request or the receiver, when there is one. */
  readonly hint: string | undefined

  constructor(code: WebhookErrorCode, message: string, hint?: string) {
    super(hint ? `${message} (${hint})` : message)
    this.name = 'WebhookVerificationError'
    this.code = code
    this.status = ERROR_STATUS[code]
    this.hint = hint
    Object.defineProperty(this, BRAND, { value: true })
  }
}

/**
 * Tells whether `error` is a {@link WebhookVerificationError}, without `instanceof`, so it also works when
 * two copies of this package are loaded in one app.
 *
 * @example
 * ```ts
 * if (isWebhookVerificationError(error)) console.warn(error.code)
 * ```
 */
export function isWebhookVerificationError(error: unknown): error is WebhookVerificationError {
  if (typeof error !== 'object' || error === null) return false
  const candidate = error as { code?: unknown; [BRAND]?: unknown }
  return (
    candidate[BRAND] === true &&
    typeof candidate.code === 'string' &&
    Object.hasOwn(ERROR_STATUS, candidate.code)
  )
}

/** Shorthand used inside the package: build the error to throw. */
export function fail(code: WebhookErrorCode, message: string, hint?: string): never {
  throw new WebhookVerificationError(code, message, hint)
}
