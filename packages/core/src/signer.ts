import type { CryptoBackend } from './backend/types.js'
import { toBase64, toHex, utf8 } from './bytes.js'
import { type Scheme, type SecretInput, schemeOption, secretKeys } from './options.js'
import type { RawPayload } from './payload.js'
import { MAX_TIMESTAMP_DIGITS } from './timestamp.js'

/** `'compound'` (default): `t=<T>,v1=<hex>`; `'legacy'`: the bare hex of the seed's PHP example. */
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

function payloadBytes(payload: unknown): Uint8Array {
  if (typeof payload === 'string') return utf8(payload)
  if (payload instanceof Uint8Array) return payload
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload)
  throw new TypeError(
    'sign: "payload" must be the exact body (string, Uint8Array or ArrayBuffer); JSON.stringify objects first',
  )
}

function timestampOption(timestamp: unknown): number {
  if (timestamp === undefined) return Math.floor(Date.now() / 1000)
  if (
    typeof timestamp !== 'number' ||
    !Number.isInteger(timestamp) ||
    timestamp <= 0 ||
    String(timestamp).length > MAX_TIMESTAMP_DIGITS
  ) {
    throw new RangeError(
      `sign: "timestamp" must be unix seconds (a positive integer of at most 10 digits), got ${String(timestamp)}`,
    )
  }
  return timestamp
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return `msg_${toHex(bytes)}`
}

function idOption(id: unknown): string {
  if (id === undefined) return randomId()
  if (typeof id !== 'string' || id === '' || id.length > 256 || !/^[\x21-\x7e]+$/.test(id)) {
    throw new TypeError('sign: "id" must be 1 to 256 visible ASCII characters')
  }
  return id
}

/** Builds a signer over one crypto backend. The public `createSigner` binds the platform's backend. */
export function createSignerWith<Key>(backend: CryptoBackend<Key>, options: SignerOptions): Signer {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createSigner: options { secret } are required')
  const scheme = schemeOption(options.scheme, 'createSigner')
  const keys = secretKeys(options.secret, scheme, 'createSigner').map((key) => backend.prepareKey(key))
  const format = options.format ?? 'compound'
  if (format !== 'compound' && format !== 'legacy')
    throw new TypeError('createSigner: "format" must be "compound" or "legacy"')
  if (format === 'legacy' && (scheme !== 'ledgerly' || keys.length !== 1)) {
    throw new TypeError(
      'createSigner: the legacy format carries one Ledgerly signature, so it takes exactly one secret',
    )
  }

  function prepare(payload: unknown, message: SignMessageOptions | undefined) {
    const body = payloadBytes(payload)
    const timestamp = timestampOption(message?.timestamp)
    const id = scheme === 'standard-webhooks' ? idOption(message?.id) : undefined
    const prefix = utf8(id === undefined ? `${timestamp}.` : `${id}.${timestamp}.`)
    return { body, timestamp, id, prefix }
  }

  function headersFor(
    timestamp: number,
    id: string | undefined,
    digests: Uint8Array[],
  ): Record<string, string> {
    if (id !== undefined) {
      return {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': digests.map((digest) => `v1,${toBase64(digest)}`).join(' '),
      }
    }
    const hex = digests.map(toHex)
    const signature =
      format === 'legacy' ? hex[0]! : [`t=${timestamp}`, ...hex.map((h) => `v1=${h}`)].join(',')
    return { 'x-ledgerly-signature': signature, 'x-ledgerly-timestamp': String(timestamp) }
  }

  return {
    async sign(payload, message) {
      const { body, timestamp, id, prefix } = prepare(payload, message)
      return headersFor(timestamp, id, await backend.macAll(keys, prefix, body))
    },
    signSync(payload, message) {
      const { body, timestamp, id, prefix } = prepare(payload, message)
      return headersFor(timestamp, id, backend.macAllSync(keys, prefix, body))
    },
  }
}
