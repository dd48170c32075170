import { httpDateMs } from './http-date.js'
import type { DeliveryErrorCode, RetryPolicy } from './types.js'

/**
 * Ledgerly's default (its PHP config): `entry_persisted => ['tries' => 3, 'backoff' => [10, 30, 60]]`, i.e. three attempts
 * in all, 10 s before the first retry and 30 s before the second (60 s would follow a third retry).
 *
 * @example
 * ```ts
 * import { DEFAULT_RETRY } from '@ledgerly/webhooks-dispatcher'
 * DEFAULT_RETRY // { tries: 3, backoff: [10, 30, 60] }
 * ```
 */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ tries: 3, backoff: Object.freeze([10, 30, 60]) })

/** Validates one retry policy (once, when the dispatcher is built). */
export function retryPolicyOption(value: unknown, label: string): RetryPolicy {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${label} must be { tries, backoff }`)
  const { tries, backoff } = value as Partial<RetryPolicy>
  if (typeof tries !== 'number' || !Number.isInteger(tries) || tries < 1) {
    throw new RangeError(`${label}.tries must be an integer >= 1 (attempts in all), got ${String(tries)}`)
  }
  if (!Array.isArray(backoff) || (tries > 1 && backoff.length === 0)) {
    throw new TypeError(`${label}.backoff must be an array of seconds with at least one entry when tries > 1`)
  }
  for (const seconds of backoff) {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`${label}.backoff entries must be finite seconds >= 0, got ${String(seconds)}`)
    }
  }
  return { tries, backoff: [...backoff] }
}

/**
 * Seconds before the n-th retry (n is 1-based), Laravel style: `backoff[min(n - 1, length - 1)]`, so the
 * last entry repeats.
 *
 * @example
 * ```ts
 * import { DEFAULT_RETRY, backoffSeconds } from '@ledgerly/webhooks-dispatcher'
 * backoffSeconds(DEFAULT_RETRY, 1) // 10
 * backoffSeconds({ tries: 6, backoff: [1, 5] }, 4) // 5
 * ```
 */
export function backoffSeconds(policy: RetryPolicy, retry: number): number {
  const index = Math.min(retry - 1, policy.backoff.length - 1)
  return policy.backoff[index] ?? 0
}

const DELIVERED = Object.freeze({ ok: true } as const)

/** How an HTTP status ends an attempt. */
export function classifyStatus(
  status: number,
  retryStatuses: ReadonlySet<number>,
): { ok: true } | { ok: false; code: DeliveryErrorCode; retryable: boolean } {
  if (status >= 200 && status < 300) return DELIVERED
  const retryable = retryStatuses.has(status)
  if (status >= 500 && status < 600) return { ok: false, code: 'SERVER_ERROR', retryable: true }
  if (status >= 600) return { ok: false, code: 'UNEXPECTED_STATUS', retryable }
  if (status >= 400) return { ok: false, code: 'CLIENT_ERROR', retryable }
  if (status >= 300) return { ok: false, code: 'REDIRECT', retryable }
  return { ok: false, code: 'UNEXPECTED_STATUS', retryable }
}

/**
 * Parses `Retry-After` into seconds from `nowMs`: delay-seconds, or one of the three RFC 9110 HTTP-date
 * forms matched exactly (`Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`,
 * `Sun Nov  6 08:49:37 1994`). Undefined when absent or anything else (`-5`, `1.5`, `Foo 2030`): the
 * normal backoff applies. Never negative.
 */
export function retryAfterSeconds(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined
  const text = header.trim()
  // Any run of digits: a huge delay is still a delay, capped later by maxRetryAfter (not ignored).
  if (/^\d+$/.test(text)) return Number(text)
  const date = httpDateMs(text, nowMs)
  return date === undefined ? undefined : Math.max(0, (date - nowMs) / 1000)
}

/** Inputs of {@link retryDelayMs}. */
export interface RetryDelayInput {
  policy: RetryPolicy
  /** The retry about to be scheduled, 1-based (after attempt n comes retry n). */
  retry: number
  /** Seconds from the response's `Retry-After`, if any. */
  retryAfter: number | undefined
  /** Upper bound on an honoured `Retry-After`, seconds. */
  maxRetryAfter: number
  /** Fraction in [0, 1]: the delay is spread uniformly over ±jitter around the backoff. */
  jitter: number
  /** Multiplies every wait (tests and demos run fast without touching the policy). */
  scale: number
  random: () => number
}

/**
 * Milliseconds before the next attempt: the policy's backoff (with jitter), or a longer `Retry-After`
 * capped at `maxRetryAfter`, all multiplied by `scale`.
 */
export function retryDelayMs(input: RetryDelayInput): number {
  let seconds = backoffSeconds(input.policy, input.retry)
  if (input.jitter > 0) seconds *= 1 + input.jitter * (2 * input.random() - 1)
  if (input.retryAfter !== undefined)
    seconds = Math.max(seconds, Math.min(input.retryAfter, input.maxRetryAfter))
  return Math.round(seconds * 1000 * input.scale)
}
