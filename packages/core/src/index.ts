/**
 * `@ledgerly/webhooks`: sign and verify Ledgerly webhooks (HMAC-SHA256 over `T.body`) on every
 * JavaScript runtime.
 *
 * @module
 */
import { backend } from './backend/select.js'
import type { RawPayload } from './payload.js'
import { createSignerWith, type Signer, type SignerOptions, type SignOptions } from './signer.js'
import type { EventMap, LedgerlyEvents, VerifiedWebhook } from './types.js'
import { createVerifierWith, type Verifier, type VerifierOptions, type WebhookRequest } from './verifier.js'

export type { WebhookErrorCode } from './errors.js'
export { ERROR_STATUS, isWebhookVerificationError, WebhookVerificationError } from './errors.js'
export type { HeadersInput } from './headers.js'
export type { Scheme, SecretInput } from './options.js'
export { DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_TOLERANCE_SECONDS } from './options.js'
export type { RawPayload } from './payload.js'
export { MAX_SIGNATURE_HEADER_LENGTH, MAX_SIGNATURES } from './schemes/limits.js'
export { generateSecret } from './secret.js'
export type { SignatureFormat, Signer, SignerOptions, SignMessageOptions, SignOptions } from './signer.js'
export type {
  EntryPersistedPayload,
  EventMap,
  LedgerActor,
  LedgerEntryExport,
  LedgerlyEvents,
  LedgerTarget,
  VerifiedWebhook,
  VerifiedWebhookBase,
} from './types.js'
export type { VerifiedSignature, Verifier, VerifierOptions, WebhookRequest } from './verifier.js'

/**
 * Which crypto this build uses: `'node'` (`node:crypto`, chosen by the `node` export condition) or
 * `'web'` (Web Crypto, with `@noble/hashes` for the synchronous forms).
 *
 * @example
 * ```ts
 * import { cryptoBackend } from '@ledgerly/webhooks'
 * console.log(cryptoBackend) // 'node' on Node, Bun and Deno; 'web' on Workers, Edge and browsers
 * ```
 */
export const cryptoBackend: 'node' | 'web' = backend.name

/**
 * Builds a verifier: validates options and imports keys once, so each request only parses headers and
 * runs the HMAC. Throws `TypeError`/`RangeError` on bad options (empty secret, secret with surrounding
 * whitespace, negative or fractional tolerance…), never per request.
 *
 * @example
 * ```ts
 * import { createVerifier, isWebhookVerificationError } from '@ledgerly/webhooks'
 *
 * const verifier = createVerifier({ secret: process.env.LEDGERLY_WEBHOOK_SECRET! })
 *
 * export async function POST(request: Request) {
 *   try {
 *     const webhook = await verifier.verify({ payload: await request.arrayBuffer(), headers: request.headers })
 *     console.log(webhook.event, webhook.data.id)
 *     return new Response(null, { status: 204 })
 *   } catch (error) {
 *     if (isWebhookVerificationError(error)) return new Response(error.code, { status: error.status })
 *     throw error
 *   }
 * }
 * ```
 */
export function createVerifier<Events extends EventMap = LedgerlyEvents>(
  options: VerifierOptions,
): Verifier<Events> {
  return createVerifierWith<Events>(backend, options)
}

/**
 * Verifies one webhook request. Resolves to the verified webhook; rejects with a
 * `WebhookVerificationError` whose `code` and `status` say why. For many requests, build a
 * {@link createVerifier} once instead.
 *
 * @example
 * ```ts
 * const webhook = await verify({ payload: rawBody, headers: req.headers }, { secret })
 * if (webhook.event === 'entry_persisted') console.log(webhook.data.action)
 * ```
 */
export async function verify<Events extends EventMap = LedgerlyEvents>(
  request: WebhookRequest,
  options: VerifierOptions,
): Promise<VerifiedWebhook<Events>> {
  return createVerifierWith<Events>(backend, options).verify(request)
}

/**
 * Synchronous {@link verify}: throws instead of rejecting.
 *
 * @example
 * ```ts
 * const webhook = verifySync({ payload: rawBody, headers }, { secret, tolerance: 60 })
 * ```
 */
export function verifySync<Events extends EventMap = LedgerlyEvents>(
  request: WebhookRequest,
  options: VerifierOptions,
): VerifiedWebhook<Events> {
  return createVerifierWith<Events>(backend, options).verifySync(request)
}

/**
 * Builds a signer with options validated and keys imported once (what a sender uses per delivery).
 *
 * @example
 * ```ts
 * const signer = createSigner({ secret: [newSecret, oldSecret] })
 * const headers = await signer.sign(body) // one v1 per secret
 * ```
 */
export function createSigner(options: SignerOptions): Signer {
  return createSignerWith(backend, options)
}

/**
 * Signs a body as Ledgerly does and returns the headers to send:
 * `x-ledgerly-signature: t=<T>,v1=<hex>` and `x-ledgerly-timestamp: <T>` (or the Standard Webhooks
 * headers with `scheme: 'standard-webhooks'`).
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ event: 'entry_persisted', data: entry })
 * const headers = await sign(body, { secret })
 * await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } })
 * ```
 */
export async function sign(payload: RawPayload, options: SignOptions): Promise<Record<string, string>> {
  return createSignerWith(backend, options).sign(payload, options)
}

/**
 * Synchronous {@link sign}.
 *
 * @example
 * ```ts
 * const headers = signSync('{"event":"entry_persisted","data":{"id":"1"}}', { secret, format: 'legacy' })
 * ```
 */
export function signSync(payload: RawPayload, options: SignOptions): Record<string, string> {
  return createSignerWith(backend, options).signSync(payload, options)
}
