/**
 * `@ledgerly/webhooks/testing`: build correctly signed requests in your own tests.
 *
 * @module
 */
import { signSync } from '../index.js'
import type { Scheme, SecretInput } from '../options.js'
import { toBody } from '../payload.js'
import type { SignatureFormat } from '../signer.js'

/** Options of {@link signedHeaders}. */
export interface SignedHeadersOptions {
  /** The exact body. Objects are `JSON.stringify`-ed by {@link createSignedRequest} only. */
  payload: string | Uint8Array
  secret: SecretInput
  /** Unix seconds; defaults to now. */
  timestamp?: number
  format?: SignatureFormat
  scheme?: Scheme
  /** Standard Webhooks message id. */
  id?: string
}

/** Options of {@link createSignedRequest}. */
export interface SignedRequestOptions extends Omit<SignedHeadersOptions, 'payload'> {
  url: string | URL
  /**
   * The body: a string or bytes (`Uint8Array`, `ArrayBuffer`, any view) is sent as it is; anything else as
   * `JSON.stringify(payload)`.
   */
  payload: unknown
  /**
   * Extra headers, for example to tamper with one in a test. They replace the signed ones of the same name,
   * whatever the letter case.
   */
  headers?: Record<string, string>
}

/**
 * Headers of a correctly signed Ledgerly webhook (plus `content-type: application/json`), for Node-style
 * tests (supertest, `fetch`, `app.request`).
 *
 * @example
 * ```ts
 * import { signedHeaders } from '@ledgerly/webhooks/testing'
 * const body = JSON.stringify({ event: 'entry_persisted', data: { id: '1' } })
 * await request(app).post('/webhooks').set(signedHeaders({ payload: body, secret })).send(body)
 * ```
 */
export function signedHeaders(options: SignedHeadersOptions): Record<string, string> {
  const { payload, ...signOptions } = options
  return { 'content-type': 'application/json', ...signSync(payload, signOptions) }
}

/**
 * A Fetch `Request` (POST) carrying a correctly signed Ledgerly webhook.
 *
 * @example
 * ```ts
 * import { createSignedRequest } from '@ledgerly/webhooks/testing'
 * const request = createSignedRequest({
 *   url: 'http://localhost/webhooks',
 *   payload: { event: 'entry_persisted', data: { id: '1' } },
 *   secret: 'test-secret',
 * })
 * const response = await app.fetch(request)
 * ```
 */
export function createSignedRequest(options: SignedRequestOptions): Request {
  const { url, payload, headers: extra, ...rest } = options
  const body = rawOrJson(payload)
  const headers = new Headers(signedHeaders({ ...rest, payload: body }))
  // set(), not an object spread: 'X-Ledgerly-Timestamp' must replace 'x-ledgerly-timestamp', not join it.
  for (const [name, value] of Object.entries(extra ?? {})) headers.set(name, value)
  return new Request(url, { method: 'POST', headers, body: body as BodyInit })
}

/** Bytes and strings as they are (from any realm); anything else as JSON. */
function rawOrJson(payload: unknown): string | Uint8Array {
  try {
    return toBody(payload)
  } catch {
    return JSON.stringify(payload)
  }
}
