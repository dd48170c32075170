import {
  type IdempotencyOptions,
  type ResolvedIdempotencyOptions,
  validateIdempotencyOptions,
} from '../idempotency/options.js'
import { createVerifier } from '../index.js'
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../options.js'
import type { Verifier, VerifierOptions } from '../verifier.js'
import { createIpAllowlist } from './ip-allowlist.js'
import type { ProblemResponse } from './problem.js'

/** Called with every rejection before it is answered; return a `ProblemResponse` to answer differently. */
export type AdapterErrorHook = (
  error: unknown,
  problem: ProblemResponse,
  // biome-ignore lint/suspicious/noConfusingVoidType: a logging hook that returns nothing must type-check
) => ProblemResponse | void | Promise<ProblemResponse | void>

/** Options every adapter (Express, Hono, edge) accepts on top of the verifier's. */
export interface AdapterOptions extends VerifierOptions {
  /**
   * Largest body read, in bytes; the adapter answers 413 as soon as more arrives (or as soon as
   * `Content-Length` says so), without buffering the rest. Default: `maxPayloadBytes`, else 10 MiB.
   */
  maxBodyBytes?: number
  /**
   * Only these sources (IPv4/IPv6 addresses or CIDR ranges) are let in; others get 403. With no address to
   * check (a runtime that exposes none), the answer is a logged 500, never 403. Default: all.
   */
  allowedIps?: readonly string[]
  /**
   * How to find the source address for `allowedIps`: `false` (default) uses the TCP peer; `N` (or
   * `true` = 1) takes the N-th `X-Forwarded-For` entry from the right, for N proxies you run.
   */
  trustProxy?: boolean | number
  /**
   * Sees every rejection but the idempotency answers (log it here); may return a different answer. Errors
   * it throws become 500.
   * Without it, 5xx answers (the receiver's own failures) are logged with `console.error` and 4xx are not.
   */
  onError?: AdapterErrorHook
  /**
   * Exactly-once handling: `{ store, leaseMs?, ttlMs? }` (see `@ledgerly/webhooks/idempotency`). A
   * delivery of an event already handled gets 200 without running the handler; one still being handled
   * gets 503 with `Retry-After` (neither answer reaches `onError`). Only a 2xx answer from the handler marks
   * the event done; any other answer, or a throw, releases the claim, so a later delivery runs it again.
   */
  idempotency?: IdempotencyOptions
}

/** The validated form of {@link AdapterOptions}, built once per middleware. */
export interface AdapterSettings {
  verifier: Verifier
  maxBodyBytes: number
  isAllowed?: (ip: string) => boolean
  trustProxy: boolean | number
  onError?: AdapterErrorHook
  idempotency?: ResolvedIdempotencyOptions
}

function bodyLimit(options: AdapterOptions, caller: string): number {
  const value = options.maxBodyBytes ?? options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES
  if (value === Number.POSITIVE_INFINITY) return value
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    // Name the option the app set: the adapter's limit follows maxPayloadBytes when maxBodyBytes is unset.
    const name = options.maxBodyBytes === undefined ? 'maxPayloadBytes' : 'maxBodyBytes'
    throw new RangeError(`${caller}: "${name}" must be a whole number of bytes >= 1, got ${String(value)}`)
  }
  return value
}

function trustProxyOption(value: unknown, caller: string): boolean | number {
  if (value === undefined) return false
  if (typeof value === 'boolean') return value
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value
  throw new TypeError(
    `${caller}: "trustProxy" must be false, true or the number of proxies in front of the app, got ${String(value)}`,
  )
}

/**
 * Validates adapter options once, when the middleware is built, and builds the verifier. Throws a
 * `TypeError`/`RangeError` naming the bad option (`caller` prefixes the message), never per request.
 *
 * @example
 * ```ts
 * import { validateAdapterOptions } from '@ledgerly/webhooks/http'
 * const settings = validateAdapterOptions({ secret, allowedIps: ['10.0.0.0/8'] }, 'ledgerlyWebhook')
 * const webhook = await settings.verifier.verify({ payload: rawBody, headers })
 * ```
 */
export function validateAdapterOptions(options: AdapterOptions, caller: string): AdapterSettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${caller}: options { secret } are required`)
  }
  const { maxBodyBytes: _limit, allowedIps, trustProxy, onError, idempotency, ...verifierOptions } = options
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError(`${caller}: "onError" must be a function`)
  }
  let isAllowed: ((ip: string) => boolean) | undefined
  if (allowedIps !== undefined) {
    if (!Array.isArray(allowedIps)) {
      throw new TypeError(`${caller}: "allowedIps" must be an array of addresses or CIDR ranges`)
    }
    isAllowed = createIpAllowlist(allowedIps)
  }
  const maxBodyBytes = bodyLimit(options, caller)
  return {
    // The verifier's own limit follows the adapter's, so raising maxBodyBytes alone is enough (an explicit
    // `maxPayloadBytes: undefined` must not cancel that).
    verifier: createVerifier({
      ...verifierOptions,
      maxPayloadBytes: verifierOptions.maxPayloadBytes ?? maxBodyBytes,
    } as VerifierOptions),
    maxBodyBytes,
    isAllowed,
    trustProxy: trustProxyOption(trustProxy, caller),
    onError,
    idempotency: idempotency === undefined ? undefined : validateIdempotencyOptions(idempotency, caller),
  }
}
