/**
 * `@ledgerly/webhooks/testing`: build correctly signed requests in your own tests.
 *
 * @module
 */
import { signSync } from '../index.js'
import type { Scheme, SecretInput } from '../options.js'
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
  /** The body; a non-string, non-bytes value is sent as `JSON.stringify(payload)`. */
  payload: unknown
  /** Extra headers, for example to tamper with one in a test. They override the signed ones. */
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
  const body =
    typeof payload === 'string' || payload instanceof Uint8Array ? payload : JSON.stringify(payload)
  const headers = { ...signedHeaders({ ...rest, payload: body }), ...extra }
  return new Request(url, { method: 'POST', headers, body: body as BodyInit })
}
