import { fromBase64, utf8 } from './bytes.js'

/** The signature schemes a verifier understands. */
export type Scheme = 'ledgerly' | 'standard-webhooks'

/** One secret, or several during rotation (the first is the newest by convention). */
export type SecretInput = string | readonly string[]

/**
 * Default tolerance between the signed timestamp and the receiver's clock, in seconds (both ways).
 *
 * @example
 * ```ts
 * import { createVerifier, DEFAULT_TOLERANCE_SECONDS } from '@ledgerly/webhooks'
 * // Twice the default, for a receiver whose clock is known to drift.
 * const verifier = createVerifier({
 *   secret: process.env.LEDGERLY_WEBHOOK_SECRET!,
 *   tolerance: 2 * DEFAULT_TOLERANCE_SECONDS,
 * })
 * ```
 */
export const DEFAULT_TOLERANCE_SECONDS = 300

/**
 * Default largest body a verifier accepts: 10 MiB, the largest payload Ledgerly's platform sends.
 *
 * @example
 * ```ts
 * import { createVerifier, DEFAULT_MAX_PAYLOAD_BYTES } from '@ledgerly/webhooks'
 * // A receiver that only ever gets small events can refuse big bodies sooner.
 * const verifier = createVerifier({
 *   secret: process.env.LEDGERLY_WEBHOOK_SECRET!,
 *   maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES / 10,
 * })
 * ```
 */
export const DEFAULT_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024

/**
 * Validates secrets once and turns each into its HMAC key bytes: the UTF-8 bytes of the string for the
 * Ledgerly scheme, the base64 after `whsec_` for Standard Webhooks. Never echoes a secret in a message.
 */
export function secretKeys(secret: unknown, scheme: Scheme, caller: string): Uint8Array[] {
  const list = typeof secret === 'string' ? [secret] : secret
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`${caller}: "secret" must be a non-empty string or array of strings`)
  }
  return list.map(function secretKey(item: unknown, index: number) {
    const label = `${caller}: "secret${typeof secret === 'string' ? '' : `[${index}]`}"`
    if (typeof item !== 'string' || item.trim() === '')
      throw new TypeError(`${label} is not a non-empty string`)
    if (item.trim() !== item) {
      throw new TypeError(
        `${label} has surrounding whitespace (a trailing newline from a .env file?); remove it`,
      )
    }
    if (scheme === 'ledgerly') return utf8(item)
    const key = fromBase64(item.replace(/^whsec_/, ''))
    if (!key?.length) throw new TypeError(`${label} is not "whsec_" followed by base64`)
    return key
  })
}

/** Validates the scheme option. */
export function schemeOption(scheme: unknown, caller: string): Scheme {
  if (scheme === undefined || scheme === 'ledgerly' || scheme === 'standard-webhooks')
    return scheme ?? 'ledgerly'
  throw new TypeError(`${caller}: "scheme" must be "ledgerly" or "standard-webhooks"`)
}

/** Validates a whole number of seconds (or bytes): finite, not negative, no fraction. */
export function wholeNumberOption(value: unknown, fallback: number, name: string, caller: string): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new RangeError(`${caller}: "${name}" must be a whole number >= 0, got ${String(value)}`)
  }
  return value as number
}

/** Validates the injectable clock. */
export function clockOption(now: unknown, caller: string): () => number {
  if (now === undefined) return Date.now
  if (typeof now !== 'function')
    throw new TypeError(`${caller}: "now" must be a function returning milliseconds`)
  return now as () => number
}
