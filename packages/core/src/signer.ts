import type { CryptoBackend } from './backend/types.js'
import { toBase64, toHex } from './bytes.js'
import { type Scheme, type SecretInput, schemeOption, secretKeys } from './options.js'
import { type Body, type RawPayload, toBody, wellFormed } from './payload.js'
import { MAX_SIGNATURES } from './schemes/limits.js'
import { MAX_TIMESTAMP_DIGITS } from './timestamp.js'

/** `'compound'` (default): `t=<T>,v1=<hex>`; `'legacy'`: the bare hex of Ledgerly's PHP integration example. */
export type SignatureFormat = 'compound' | 'legacy'

/** Options of {@link createSigner}. */
export interface SignerOptions {
  /** The shared secret; several during rotation, one signature each. */
  secret: SecretInput
  /** `'ledgerly'` (default) or `'standard-webhooks'`. */
  scheme?: Scheme
  /** Ledgerly header format. `'legacy'` carries a single signature, so it takes a single secret. */
  format?: SignatureFormat
}

/** Per-message options of a signer. */
export interface SignMessageOptions {
  /** Unix seconds; defaults to now. */
  timestamp?: number
  /** Standard Webhooks message id; defaults to a random `msg_…`. */
  id?: string
}

/** Options of {@link sign} and {@link signSync}. */
export interface SignOptions extends SignerOptions, SignMessageOptions {}

/** A signer with options validated and keys imported once. */
export interface Signer {
  /** Headers to send with `payload`. */
  sign(payload: RawPayload, options?: SignMessageOptions): Promise<Record<string, string>>
  /** The same, synchronously. */
  signSync(payload: RawPayload, options?: SignMessageOptions): Record<string, string>
}

function timestampOption(timestamp: unknown): number {
  if (timestamp === undefined) return Math.floor(Date.now() / 1000)
  if (
    Number.isInteger(timestamp) &&
    (timestamp as number) > 0 &&
    (timestamp as number) < 10 ** MAX_TIMESTAMP_DIGITS
  )
    return timestamp as number
  throw new RangeError(`sign: "timestamp" must be unix seconds (1 to 10 digits), got ${String(timestamp)}`)
}

function idOption(id: unknown): string {
  if (id === undefined) return `msg_${toHex(crypto.getRandomValues(new Uint8Array(16)))}`
  if (typeof id === 'string' && /^[\x21-\x7e]{1,256}$/.test(id)) return id
  throw new TypeError('sign: "id" must be 1 to 256 visible ASCII characters')
}

/** Builds a signer over one crypto backend. The public `createSigner` binds the platform's backend. */
export function createSignerWith<Key>(backend: CryptoBackend<Key>, options: SignerOptions): Signer {
  const caller = 'createSigner'
  const scheme = schemeOption(options?.scheme, caller)
  const keys = secretKeys(options?.secret, scheme, caller).map((key) => backend.prepareKey(key))
  const legacy = options.format === 'legacy'
  if (!legacy && options.format !== undefined && options.format !== 'compound') {
    throw new TypeError(`${caller}: "format" must be "compound" or "legacy"`)
  }
  // Verifiers (ours included) refuse a header with more v1 entries than this: fail here, not at the receiver.
  if (keys.length > MAX_SIGNATURES) {
    throw new RangeError(`${caller}: at most ${MAX_SIGNATURES} secrets, got ${keys.length}`)
  }
  if (legacy && (scheme !== 'ledgerly' || keys.length !== 1)) {
    throw new TypeError(`${caller}: the legacy format takes exactly one Ledgerly secret`)
  }

  function prepare(payload: unknown, message: SignMessageOptions | undefined) {
    let body: Body
    try {
      body = toBody(payload)
    } catch {
      throw new TypeError(
        'sign: "payload" must be the exact body (string or bytes); JSON.stringify objects first',
      )
    }
    // A lone surrogate would be sent as U+FFFD: the receiver would get other text than the caller's.
    if (typeof body === 'string' && !wellFormed(body)) {
      throw new TypeError('sign: "payload" has a lone surrogate, which UTF-8 cannot carry')
    }
    const timestamp = timestampOption(message?.timestamp)
    const id = scheme === 'ledgerly' ? undefined : idOption(message?.id)
    return { body, timestamp, id, prefix: id === undefined ? `${timestamp}.` : `${id}.${timestamp}.` }
  }

  function headersFor(
    timestamp: number,
    id: string | undefined,
    digests: Uint8Array[],
  ): Record<string, string> {
    const t = String(timestamp)
    if (id !== undefined) {
      const signature = digests.map((digest) => `v1,${toBase64(digest)}`).join(' ')
      return { 'webhook-id': id, 'webhook-timestamp': t, 'webhook-signature': signature }
    }
    let signature = legacy ? toHex(digests[0]!) : `t=${t}`
    if (!legacy) for (const digest of digests) signature += `,v1=${toHex(digest)}`
    return { 'x-ledgerly-signature': signature, 'x-ledgerly-timestamp': t }
  }

  return {
    async sign(payload, message) {
      const { body, timestamp, id, prefix } = prepare(payload, message)
      // node:crypto hands the tags back as a value: no promise hop for them.
      const digests = backend.macAll(keys, prefix, body)
      return headersFor(timestamp, id, Array.isArray(digests) ? digests : await digests)
    },
    signSync(payload, message) {
      const { body, timestamp, id, prefix } = prepare(payload, message)
      return headersFor(timestamp, id, backend.macAllSync(keys, prefix, body))
    },
  }
}
