import type { SecretInput, SignatureFormat } from '@ledgerly/webhooks'
import type { Dispatcher } from 'undici'
import type { DeliveryQueue } from './queues/contract.js'
import { DEFAULT_RETRY, retryPolicyOption } from './retry.js'
import type { RetryPolicy } from './types.js'

/** Options of {@link createSignedDispatcher}. */
export interface SignedDispatcherOptions {
  /** The receiver's URL (http or https). */
  url: string | URL
  /** The shared secret; during rotation several, and each attempt carries one `v1` per secret. */
  secret: SecretInput
  /** `'compound'` (default, `t=…,v1=…`) or `'legacy'` (bare hex, Ledgerly's PHP form; one secret only). */
  format?: SignatureFormat
  /** Per-event retry policies, e.g. `{ entry_persisted: { tries: 5, backoff: [1, 5, 30] } }`. */
  retry?: Record<string, RetryPolicy>
  /** Policy of events not listed in `retry`. Default `{ tries: 3, backoff: [10, 30, 60] }`. */
  defaultRetry?: RetryPolicy
  /** Multiplies every wait (backoff and `Retry-After`). Default 1. Tests and demos use e.g. 0.01. */
  backoffScale?: number
  /** Spread each backoff uniformly over ±`jitter` of its value, 0 to 1. Default 0. */
  jitter?: number
  /** 3xx/4xx statuses to retry anyway (every other 3xx/4xx is permanent). Default none. */
  retryStatuses?: readonly number[]
  /** Largest `Retry-After` honoured, seconds; a longer one is cut to this. Default 300. */
  maxRetryAfter?: number
  /** Per-attempt timeout in seconds, response body included. Default 30. */
  timeout?: number
  /** Bytes of the response body read (and kept in the log); the rest is discarded. Default 4096. */
  maxResponseBytes?: number
  /** The queue. Default `memoryQueue()`. */
  queue?: DeliveryQueue
  /** Run attempts in this process. `false` makes a producer that only enqueues. Default true. */
  work?: boolean
  /** An undici dispatcher (Agent, Pool…) to share keep-alive pools between dispatchers. */
  agent?: Dispatcher
  /**
   * Most keep-alive connections to the endpoint when the dispatcher opens its own (no `agent`). Default
   * unlimited: one more whenever every open one is busy. That is more than the queue's concurrency under
   * load (measured: about twice, e.g. 20 at concurrency 10, 169 at 100), because the queue starts the next
   * attempt before the connection of the one that just finished is free again; set it to cap them.
   */
  connections?: number
  /**
   * Extra headers on every attempt (custom authentication). Cannot override the Ledgerly ones,
   * `content-type`, `content-length` or `host`; a `user-agent` here replaces the dispatcher's.
   */
  headers?: Record<string, string>
  /** Deliveries kept in `dispatcher.log`. Default 1000; 0 keeps none. */
  logLimit?: number
  /** Clock in epoch milliseconds, for the signed timestamp. Default `Date.now`. */
  now?: () => number
  /** Random source in [0, 1), for jitter. Default `Math.random`. */
  random?: () => number
}

/** Options after validation. */
export interface ResolvedOptions {
  url: URL
  retry: Map<string, RetryPolicy>
  defaultRetry: RetryPolicy
  backoffScale: number
  jitter: number
  retryStatuses: ReadonlySet<number>
  maxRetryAfter: number
  timeoutMs: number
  /** Connection cap of the dispatcher's own pool; undefined: unlimited. */
  connections: number | undefined
  maxResponseBytes: number
  headers: Record<string, string>
  logLimit: number
  now: () => number
  random: () => number
}

const RESERVED_HEADER = /^(x-ledgerly-|content-type$|content-length$|host$|webhook-)/i
/** Hop-by-hop and framing headers the HTTP client manages (undici refuses them on a request). */
const CLIENT_HEADER =
  /^(connection|keep-alive|transfer-encoding|upgrade|expect|te|trailer|proxy-connection)$/i
/** An RFC 9110 token: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** Tab, visible ASCII, space and obs-text: no CR, LF, NUL or other controls (no header injection). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

function finiteAtLeast(value: unknown, fallback: number, min: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new RangeError(
      `createSignedDispatcher: "${name}" must be a finite number >= ${min}, got ${String(value)}`,
    )
  }
  return value
}

/** Seconds; above a billion (about 31 years) a huge `Retry-After` would become an endless wait. */
function maxRetryAfterOption(value: unknown): number {
  const seconds = finiteAtLeast(value, 300, 0, 'maxRetryAfter')
  if (seconds > 1e9) {
    throw new RangeError(
      `createSignedDispatcher: "maxRetryAfter" must be at most 1e9 seconds, got ${seconds}`,
    )
  }
  return seconds
}

function wholeAtLeast(value: unknown, fallback: number, min: number, name: string): number {
  const number = finiteAtLeast(value, fallback, min, name)
  if (!Number.isInteger(number)) throw new RangeError(`createSignedDispatcher: "${name}" must be an integer`)
  return number
}

/** Longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1

function timeoutMsOption(value: unknown): number {
  const timeoutMs = Math.round(finiteAtLeast(value, 30, 0.001, 'timeout') * 1000)
  if (timeoutMs > MAX_TIMER_MS) {
    throw new RangeError(
      `createSignedDispatcher: "timeout" must be at most ${Math.floor(MAX_TIMER_MS / 1000)} seconds (about 24.8 days)`,
    )
  }
  return timeoutMs
}

function connectionsOption(options: SignedDispatcherOptions): number | undefined {
  if (options.connections === undefined) return undefined
  if (options.agent !== undefined) {
    throw new TypeError(
      'createSignedDispatcher: "connections" sizes the dispatcher\'s own pool; with "agent", size the agent instead',
    )
  }
  return wholeAtLeast(options.connections, 0, 1, 'connections')
}

function urlOption(value: unknown): URL {
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw new TypeError('createSignedDispatcher: "url" must be an absolute http(s) URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`createSignedDispatcher: "url" must use http or https, got ${url.protocol}`)
  }
  if (url.username || url.password) {
    throw new TypeError('createSignedDispatcher: "url" must not carry credentials; use "headers" instead')
  }
  return url
}

function function_<T>(value: unknown, fallback: T, name: string): T {
  if (value === undefined) return fallback
  if (typeof value !== 'function') throw new TypeError(`createSignedDispatcher: "${name}" must be a function`)
  return value as T
}

/** Validates everything once, so a bad option fails when the dispatcher is built, never per delivery. */
export function resolveOptions(options: SignedDispatcherOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createSignedDispatcher: options { url, secret } are required')
  }
  const retry = new Map<string, RetryPolicy>()
  for (const [event, policy] of Object.entries(options.retry ?? {})) {
    retry.set(event, retryPolicyOption(policy, `createSignedDispatcher: "retry.${event}"`))
  }
  const statuses = options.retryStatuses ?? []
  if (!Array.isArray(statuses) || statuses.some((s) => !Number.isInteger(s) || s < 300 || s > 499)) {
    throw new RangeError(
      'createSignedDispatcher: "retryStatuses" must list 3xx/4xx statuses (5xx are always retried)',
    )
  }
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (RESERVED_HEADER.test(name)) {
      throw new TypeError(
        `createSignedDispatcher: header "${name}" is set by the dispatcher and cannot be overridden`,
      )
    }
    if (!HEADER_NAME.test(name)) {
      throw new TypeError(
        `createSignedDispatcher: header name ${JSON.stringify(name)} is not a valid HTTP token`,
      )
    }
    if (CLIENT_HEADER.test(name)) {
      throw new TypeError(
        `createSignedDispatcher: header "${name}" is managed by the HTTP client and cannot be set`,
      )
    }
    if (typeof value !== 'string')
      throw new TypeError(`createSignedDispatcher: header "${name}" must be a string`)
    if (!HEADER_VALUE.test(value)) {
      throw new TypeError(
        `createSignedDispatcher: header "${name}" contains a line break or control character (a value read from a file often ends with a newline; trim it)`,
      )
    }
    headers[name.toLowerCase()] = value
  }
  const jitter = finiteAtLeast(options.jitter, 0, 0, 'jitter')
  if (jitter > 1) throw new RangeError('createSignedDispatcher: "jitter" must be between 0 and 1')
  return {
    url: urlOption(options.url),
    retry,
    defaultRetry:
      options.defaultRetry === undefined
        ? DEFAULT_RETRY
        : retryPolicyOption(options.defaultRetry, 'createSignedDispatcher: "defaultRetry"'),
    backoffScale: finiteAtLeast(options.backoffScale, 1, 0, 'backoffScale'),
    jitter,
    retryStatuses: new Set(statuses),
    maxRetryAfter: maxRetryAfterOption(options.maxRetryAfter),
    timeoutMs: timeoutMsOption(options.timeout),
    connections: connectionsOption(options),
    maxResponseBytes: wholeAtLeast(options.maxResponseBytes, 4096, 0, 'maxResponseBytes'),
    headers,
    logLimit: wholeAtLeast(options.logLimit, 1000, 0, 'logLimit'),
    now: function_(options.now, Date.now, 'now'),
    random: function_(options.random, Math.random, 'random'),
  }
}

/**
 * A close timeout as timers can wait for it: `Infinity` and anything above a Node timer's limit (which
 * would fire after 1 ms, cutting running attempts at once) wait the longest a timer can; NaN and negative
 * values take `fallback` and 0.
 */
export function closeWaitMs(timeoutMs: number | undefined, fallback: number): number {
  if (timeoutMs === undefined || Number.isNaN(timeoutMs)) return fallback
  return Math.min(Math.max(timeoutMs, 0), MAX_TIMER_MS)
}
