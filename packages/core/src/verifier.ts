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

/** A verifier with options validated and keys imported once. */
export interface Verifier<Events extends EventMap = LedgerlyEvents> {
  /** Verifies a request; rejects with a `WebhookVerificationError`. */
  verify(request: WebhookRequest): Promise<VerifiedWebhook<Events>>
  /** The same, synchronously; throws a `WebhookVerificationError`. */
  verifySync(request: WebhookRequest): VerifiedWebhook<Events>
}

const SCHEMES = { ledgerly: ledgerlyScheme, 'standard-webhooks': standardWebhooksScheme }

interface Pending {
  body: Body
  parts: SignedParts
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
    assertFresh(parts.timestamp, Math.floor(millis / 1000), tolerance)
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

  function finish(pending: Pending, digests: readonly Uint8Array[]): VerifiedWebhook<Events> {
    const secretIndex = matchingSecret(digests, pending.parts.signatures)
    const { body: raw, parts } = pending
    const body = parseJsonBody(raw)
    const envelope = rules.readEnvelope(body, parts)
    let bytes: Uint8Array | undefined = typeof raw === 'string' ? undefined : raw
    return {
      scheme: schemeName,
      event: envelope.event,
      data: envelope.data,
      id: envelope.id,
      timestamp: parts.timestamp,
      secretIndex,
      // Encoded only when read: a string payload was hashed and parsed without a byte copy.
      get raw() {
        bytes ??= utf8(raw as string)
        return bytes
      },
      body,
    } as VerifiedWebhook<Events>
  }

  return {
    async verify(request) {
      const pending = prepare(request)
      return finish(pending, await backend.macAll(keys, pending.parts.prefix, pending.body))
    },
    verifySync(request) {
      const pending = prepare(request)
      return finish(pending, backend.macAllSync(keys, pending.parts.prefix, pending.body))
    },
  }
}
