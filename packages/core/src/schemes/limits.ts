/**
 * Longest signature header a verifier reads; longer ones are rejected (`MALFORMED_SIGNATURE`) before any
 * parsing.
 *
 * @example
 * ```ts
 * import { MAX_SIGNATURE_HEADER_LENGTH } from '@ledgerly/webhooks'
 * // A proxy in front of the receiver can drop oversized headers with the same limit.
 * const tooLong = (header: string) => header.length > MAX_SIGNATURE_HEADER_LENGTH
 * ```
 */
export const MAX_SIGNATURE_HEADER_LENGTH = 4096

/**
 * Most signatures one header may carry (one per active secret during rotation); a header with more is
 * rejected as `MALFORMED_SIGNATURE`.
 *
 * @example
 * ```ts
 * import { MAX_SIGNATURES, signSync } from '@ledgerly/webhooks'
 * const secrets = [process.env.LEDGERLY_WEBHOOK_SECRET!, process.env.LEDGERLY_WEBHOOK_PREVIOUS_SECRET!]
 * if (secrets.length > MAX_SIGNATURES) throw new Error('too many active secrets')
 * const headers = signSync('{"event":"entry_persisted"}', { secret: secrets })
 * ```
 */
export const MAX_SIGNATURES = 16

/** Visible ASCII plus space and tab: anything else in a signature header is rejected. */
export const HEADER_TEXT = /^[\t\x20-\x7e]*$/
