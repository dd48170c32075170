import { fail } from './errors.js'

/** The longest timestamp accepted: unix seconds fit in 10 digits until the year 2286. */
export const MAX_TIMESTAMP_DIGITS = 10

const SECONDS = /^[1-9][0-9]*$/

/**
 * Parses the signed timestamp `T`: ASCII digits only, no sign, no leading zero, at most 10 digits.
 * Thirteen digits get a hint, because that is a millisecond clock on the sender.
 */
export function parseTimestamp(text: string, where: string): number {
  if (text.length > 0 && text.length <= 16 && SECONDS.test(text)) {
    if (text.length <= MAX_TIMESTAMP_DIGITS) return Number(text)
    if (text.length === 13) {
      return fail(
        'MALFORMED_TIMESTAMP',
        `The ${where} has 13 digits`,
        'it looks like milliseconds; Ledgerly timestamps are unix seconds',
      )
    }
  }
  return fail(
    'MALFORMED_TIMESTAMP',
    `The ${where} is not a unix time in seconds`,
    'expected 1 to 10 ASCII digits with no sign, spaces or leading zero',
  )
}

/**
 * Enforces the two-sided, inclusive tolerance `|now - T| <= tolerance` (all in seconds).
 */
export function assertFresh(timestamp: number, nowSeconds: number, tolerance: number): void {
  const age = nowSeconds - timestamp
  if (age > tolerance) {
    fail('TIMESTAMP_TOO_OLD', `The webhook timestamp is ${age} s old, more than the ${tolerance} s tolerance`)
  }
  if (-age > tolerance) {
    fail(
      'TIMESTAMP_TOO_NEW',
      `The webhook timestamp is ${-age} s in the future, more than the ${tolerance} s tolerance`,
      "check the receiver's clock",
    )
  }
}
