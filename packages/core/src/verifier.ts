import type { CryptoBackend } from './backend/types.js'
import { utf8 } from './bytes.js'
import { fail } from './errors.js'
import type { HeadersInput } from './headers.js'
import {
  clockOption,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_TOLERANCE_SECONDS,
  type Scheme,
  type SecretInput,
  schemeOption,
  secretKeys,
  wholeNumberOption,
} from './options.js'
import { type Body, parseJsonBody, type RawPayload, sizeForLimit, toBody } from './payload.js'
import { ledgerlyScheme } from './schemes/ledgerly.js'
import { standardWebhooksScheme } from './schemes/standard-webhooks.js'
import type { SignedParts } from './schemes/types.js'
import { assertFresh } from './timestamp.js'
import type { EventMap, LedgerlyEvents, VerifiedWebhook } from './types.js'

/** Options of {@link createVerifier} and {@link verify}. */
export interface VerifierOptions {
  /** The shared secret, or several during rotation. Used verbatim (UTF-8) for the Ledgerly scheme. */
  secret: SecretInput
  /** Largest accepted `|now - T|`, in whole seconds. Default 300. */
  tolerance?: number
  /** Clock in milliseconds, like `Date.now` (the default). Inject one in tests. */
  now?: () => number
  /** `'ledgerly'` (default) or `'standard-webhooks'`. */
  scheme?: Scheme
  /** Largest body accepted, in bytes (`PAYLOAD_TOO_LARGE` above). Default 10 MiB; `Infinity` for none. */
  maxPayloadBytes?: number
}

/** What to verify: the raw body and the request headers. */
export interface WebhookRequest {
  /** The body exactly as received. A parsed object is refused with `PAYLOAD_NOT_RAW`. */
  payload: RawPayload
  /** The request headers, in any shape of {@link HeadersInput}. */
  headers: HeadersInput
}

/**
 * What {@link Verifier.verifySignature} establishes: the body is authentic and fresh. Nothing is parsed.
 */
export interface VerifiedSignature {
  scheme: Scheme
  /** Signed timestamp, unix seconds. */
  timestamp: number
  /** Index of the secret that matched. */
  secretIndex: number
  /**
   * The body bytes exactly as verified. Bytes you passed come back as your own buffer, not a copy, wherever
   * the check finishes on the call (the `Sync` forms, and the async ones on `node:crypto`), so changing that
   * buffer later changes `raw` too; the async Web Crypto path keeps a copy, as it must while it waits.
   */
  raw: Uint8Array
  /** The signed `webhook-id` (Standard Webhooks); `undefined` for the Ledgerly scheme. */
  messageId: string | undefined
}

/** A verifier with options validated and keys imported once. */
export interface Verifier<Events extends EventMap = LedgerlyEvents> {
  /** Verifies a request and parses its JSON envelope; rejects with a `WebhookVerificationError`. */
  verify(request: WebhookRequest): Promise<VerifiedWebhook<Events>>
  /** The same, synchronously; throws a `WebhookVerificationError`. */
  verifySync(request: WebhookRequest): VerifiedWebhook<Events>
  /**
   * Checks signature and timestamp only, never parsing the body: for forwarding verified bytes
   * (to a queue, a log) where the JSON is read later, or not at all. Same errors, minus INVALID_PAYLOAD.
   */
  verifySignature(request: WebhookRequest): Promise<VerifiedSignature>
  /** The same, synchronously. */
  verifySignatureSync(request: WebhookRequest): VerifiedSignature
}

const SCHEMES = { ledgerly: ledgerlyScheme, 'standard-webhooks': standardWebhooksScheme }

interface Pending {
  body: Body
  parts: SignedParts
}

/** The body's bytes: as given, or the UTF-8 of a string payload (hashed and parsed without this copy). */
function bytesOf(body: Body): Uint8Array {
  return typeof body === 'string' ? utf8(body) : body
}

/** Builds a verifier over one crypto backend. The public `createVerifier` binds the platform's backend. */
export function createVerifierWith<Events extends EventMap = LedgerlyEvents, Key = unknown>(
  backend: CryptoBackend<Key>,
  options: VerifierOptions,
): Verifier<Events> {
  const caller = 'createVerifier'
  const schemeName = schemeOption(options?.scheme, caller)
  const rules = SCHEMES[schemeName]
  const keys = secretKeys(options?.secret, schemeName, caller).map((key) => backend.prepareKey(key))
  const tolerance = wholeNumberOption(options.tolerance, DEFAULT_TOLERANCE_SECONDS, 'tolerance', caller)
  const now = clockOption(options.now, caller)
  const maxBytes =
    options.maxPayloadBytes === Number.POSITIVE_INFINITY
      ? Number.POSITIVE_INFINITY
      : wholeNumberOption(options.maxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES, 'maxPayloadBytes', caller)

  function prepare(request: WebhookRequest): Pending {
    const { payload, headers } = request ?? {}
    if (typeof headers !== 'object' || headers === null)
      throw new TypeError('verify: pass { payload, headers }')
    const body = toBody(payload)
    const size = sizeForLimit(body, maxBytes)
    if (size > maxBytes) fail('PAYLOAD_TOO_LARGE', `body is ${size} bytes; the limit is ${maxBytes}`)
    const parts = rules.readHeaders(headers)
    const millis = now()
    if (!Number.isFinite(millis))
      throw new TypeError('verify: the "now" clock did not return a finite number')
    // A clock in seconds would turn every webhook into a 401 the sender never retries: when `now` read as
    // seconds matches T and read as milliseconds does not, it is the receiver's bug (a TypeError, so 5xx).
    const seconds = Math.floor(millis / 1000)
    // (Only for readings a seconds clock gives, 2001 to 5138: a fake millisecond clock in a test is left alone.)
    const secondsLike = millis >= 1e9 && millis < 1e11
    if (
      secondsLike &&
      Math.abs(millis - parts.timestamp) <= tolerance &&
      Math.abs(seconds - parts.timestamp) > tolerance
    ) {
      throw new TypeError('verify: "now" must return milliseconds, like Date.now; it returned seconds')
    }
    assertFresh(parts.timestamp, seconds, tolerance)
    return { body, parts }
  }

  function matchingSecret(digests: readonly Uint8Array[], signatures: readonly Uint8Array[]): number {
    for (let index = 0; index < digests.length; index++) {
      for (const signature of signatures) if (backend.equal(digests[index]!, signature)) return index
    }
    return fail(
      'SIGNATURE_MISMATCH',
      'no signature matches the body and secret',
      'check the secret, and that the body is the exact bytes received, not re-serialised JSON',
    )
  }

  function signature(pending: Pending, digests: readonly Uint8Array[]): VerifiedSignature {
    const { body, parts } = pending
    const secretIndex = matchingSecret(digests, parts.signatures)
    return {
      scheme: schemeName,
      timestamp: parts.timestamp,
      secretIndex,
      raw: bytesOf(body),
      messageId: parts.id,
    }
  }

  function webhook(pending: Pending, digests: readonly Uint8Array[]): VerifiedWebhook<Events> {
    // JSON is parsed only once the signature matched (signature() throws otherwise).
    const { scheme, timestamp, secretIndex, raw } = signature(pending, digests)
    const body = parseJsonBody(pending.body, backend.decode)
    const { event, data, id } = rules.readEnvelope(body, pending.parts)
    // A literal, not a spread of the signature object: V8 builds it far faster on this per-request path.
    return { scheme, event, data, id, timestamp, secretIndex, raw, body } as VerifiedWebhook<Events>
  }

  /** The tags as the backend gives them: a value from node:crypto, a promise from Web Crypto. */
  function macAll(pending: Pending): Uint8Array[] | Promise<Uint8Array[]> {
    return backend.macAll(keys, pending.parts.prefix, pending.body)
  }

  function macAllSync(pending: Pending): Uint8Array[] {
    return backend.macAllSync(keys, pending.parts.prefix, pending.body)
  }

  /**
   * Before awaiting Web Crypto, keeps the body bytes as they are now: the tags are computed over a copy
   * taken on this same tick, so a caller that reuses, fills or transfers its buffer while we wait cannot
   * make us parse or return bytes the signature never covered.
   */
  function keep(pending: Pending): Pending {
    // new Uint8Array(body), not body.slice(): a Buffer's slice is a view of the same memory, not a copy.
    return typeof pending.body === 'string'
      ? pending
      : { body: new Uint8Array(pending.body), parts: pending.parts }
  }

  // Each form prepares, computes the tags and hands both on, with no intermediate tuple: this is the
  // per-request path, where every allocation shows at 1 KiB.
  return {
    async verify(request) {
      const pending = prepare(request)
      const tags = macAll(pending)
      if (Array.isArray(tags)) return webhook(pending, tags)
      const kept = keep(pending)
      return webhook(kept, await tags)
    },
    verifySync(request) {
      const pending = prepare(request)
      return webhook(pending, macAllSync(pending))
    },
    async verifySignature(request) {
      const pending = prepare(request)
      const tags = macAll(pending)
      if (Array.isArray(tags)) return signature(pending, tags)
      const kept = keep(pending)
      return signature(kept, await tags)
    },
    verifySignatureSync(request) {
      const pending = prepare(request)
      return signature(pending, macAllSync(pending))
    },
  }
}
