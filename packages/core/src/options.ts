import { fromBase64, utf8 } from './bytes.js'

/** The signature schemes a verifier understands. */
export type Scheme = 'ledgerly' | 'standard-webhooks'

/** One secret, or several during rotation (the first is the newest by convention). */
export type SecretInput = string | readonly string[]

/** Default tolerance between the signed timestamp and the receiver's clock, in seconds. */
export const DEFAULT_TOLERANCE_SECONDS = 300

/** Default largest body a verifier accepts: 10 MiB, the largest payload Ledgerly's platform sends. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024

const SURROUNDING_SPACE = /^\s|\s$/

function standardWebhooksKey(secret: string, label: string): Uint8Array {
  const encoded = secret.startsWith('whsec_') ? secret.slice(6) : secret
  const key = fromBase64(encoded)
  if (!key || key.length === 0) {
    throw new TypeError(`${label} is not a Standard Webhooks secret: expected "whsec_" followed by base64`)
  }
  return key
}

/**
 * Validates secrets once and turns each into its HMAC key bytes: the UTF-8 bytes of the string for the
 * Ledgerly scheme, the base64 after `whsec_` for Standard Webhooks. Never echoes a secret in a message.
 */
export function secretKeys(secret: unknown, scheme: Scheme, caller: string): Uint8Array[] {
  const list = typeof secret === 'string' ? [secret] : secret
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`${caller}: "secret" must be a non-empty string or a non-empty array of strings`)
  }
  return list.map(function secretKey(item: unknown, index: number) {
    const label = list.length === 1 ? `${caller}: "secret"` : `${caller}: "secret[${index}]"`
    if (typeof item !== 'string') throw new TypeError(`${label} must be a string, got ${typeof item}`)
    if (item.trim() === '') throw new TypeError(`${label} is empty or only whitespace`)
    if (SURROUNDING_SPACE.test(item)) {
      throw new TypeError(
        `${label} has whitespace at its start or end; it is used verbatim, so remove it (often a trailing newline from a .env file or a secret manager)`,
      )
    }
    return scheme === 'standard-webhooks' ? standardWebhooksKey(item, label) : utf8(item)
  })
}

/** Validates the scheme option. */
export function schemeOption(scheme: unknown, caller: string): Scheme {
  if (scheme === undefined || scheme === 'ledgerly') return 'ledgerly'
  if (scheme === 'standard-webhooks') return scheme
  throw new TypeError(`${caller}: "scheme" must be "ledgerly" or "standard-webhooks"`)
}

/** Validates a whole number of seconds (or bytes): finite, not negative, no fraction. */
export function wholeNumberOption(value: unknown, fallback: number, name: string, caller: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${caller}: "${name}" must be a whole number >= 0, got ${String(value)}`)
  }
  return value
}

/** Validates the injectable clock. */
export function clockOption(now: unknown, caller: string): () => number {
  if (now === undefined) return Date.now
  if (typeof now !== 'function')
    throw new TypeError(`${caller}: "now" must be a function returning milliseconds`)
  return now as () => number
}
