import { toBase64 } from './bytes.js'
import type { Scheme } from './options.js'

/**
 * Generates a new shared secret from 32 random bytes (`crypto.getRandomValues`).
 *
 * For the Ledgerly scheme the secret is those bytes as unpadded base64url text (43 characters, safe in
 * `.env` files and URLs); the HMAC key is that text's UTF-8 bytes, as everywhere in the Ledgerly scheme.
 * For Standard Webhooks it is `whsec_` followed by the base64 of the bytes.
 *
 * @example
 * ```ts
 * const secret = generateSecret() // e.g. 'q3Vf0…' — store it in LEDGERLY_WEBHOOK_SECRET
 * const swSecret = generateSecret({ scheme: 'standard-webhooks' }) // 'whsec_…'
 * ```
 */
export function generateSecret(options: { scheme?: Scheme } = {}): string {
  const base64 = toBase64(crypto.getRandomValues(new Uint8Array(32)))
  if (options.scheme === 'standard-webhooks') return `whsec_${base64}`
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
