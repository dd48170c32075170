/**
 * The contract every Ledgerly dispatcher meets, as Ledgerly's PHP `Ledgerly\Core\Contracts\WebhookDispatcher`:
 * take one webhook payload and the event name, and hand it on. HTTP is one transport; Kafka, a queue or a
 * batch writer are others.
 *
 * @example
 * ```ts
 * import type { WebhookDispatcher } from '@ledgerly/webhooks-dispatcher'
 *
 * const consoleDispatcher: WebhookDispatcher = {
 *   async dispatch(payload, event) {
 *     console.log(event, JSON.stringify(payload))
 *   },
 * }
 * ```
 */
export interface WebhookDispatcher {
  /** Accepts `payload` (usually `{ event, data }`) for delivery. Resolves once it is safely handed on. */
  dispatch(payload: WebhookPayload, event: string): Promise<void>
}

/**
 * What a dispatcher accepts: the JSON body as an object (serialised once with `JSON.stringify`), or the
 * exact body as a string or UTF-8 bytes.
 */
export type WebhookPayload = object | string | Uint8Array

/** Retry settings of one event, in Laravel's terms. */
export interface RetryPolicy {
  /** Attempts in all, the first included (Laravel's `tries`). At least 1. */
  tries: number
  /** Seconds to wait before the n-th retry: `backoff[min(n - 1, backoff.length - 1)]`. Decimals allowed. */
  backoff: readonly number[]
}

/** Why an attempt did not succeed. */
export type DeliveryErrorCode =
  /** No response within `timeout`. Retried. */
  | 'TIMEOUT'
  /** Connection refused, reset, DNS failure, TLS error… Retried. */
  | 'NETWORK_ERROR'
  /** 5xx. Retried. */
  | 'SERVER_ERROR'
  /** 4xx. Permanent unless listed in `retryStatuses`. */
  | 'CLIENT_ERROR'
  /** 3xx: redirects are never followed. Permanent unless listed in `retryStatuses`. */
  | 'REDIRECT'
  /**
   * A status outside 2xx–5xx (600–999). Interim 102/103 answers are skipped; an unsolicited 100 or 101
   * closes the connection in undici and is a `NETWORK_ERROR`. Permanent.
   */
  | 'UNEXPECTED_STATUS'
  /**
   * Nothing was sent: the attempt could not be signed, because the `now` clock threw or gave no valid unix
   * time, or the job's body has a lone surrogate (stored by a producer that did not check it). Permanent.
   */
  | 'SIGNING_ERROR'

/** What one attempt did. */
export interface AttemptRecord {
  /** 1-based. */
  attempt: number
  /** Epoch milliseconds when the request started. */
  startedAt: number
  /** Milliseconds from the start of the request to the end of reading the (capped) response. */
  durationMs: number
  /** The signed timestamp `T` this attempt carried; 0 when it could not be signed (`SIGNING_ERROR`). */
  signedAt: number
  /** HTTP status, when a response arrived. */
  status?: number
  /** Set when the attempt failed. */
  error?: { code: DeliveryErrorCode; message: string }
  /** At most `maxResponseBytes` of the response body, as text. */
  responseExcerpt?: string
  /** What the dispatcher did next. */
  outcome: 'delivered' | 'retry' | 'failed'
  /** For `outcome: 'retry'`: milliseconds until the next attempt, after scale, jitter and `Retry-After`. */
  retryInMs?: number
}

/** One delivery (an event sent to an endpoint) and all of its attempts. */
export interface DeliveryRecord {
  deliveryId: string
  event: string
  endpoint: string
  state: 'pending' | 'delivered' | 'failed'
  attempts: AttemptRecord[]
}
