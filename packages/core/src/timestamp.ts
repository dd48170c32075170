import { fail } from './errors.js'

/** The longest timestamp accepted: unix seconds fit in 10 digits until the year 2286. */
export const MAX_TIMESTAMP_DIGITS = 10

/**
 * Parses the signed timestamp `T`: ASCII digits only, no sign, no leading zero, at most 10 digits.
 * Thirteen digits get a hint, because that is a millisecond clock on the sender.
 */
export function parseTimestamp(text: string, where: string): number {
  if (/^[1-9]\d{0,9}$/.test(text)) return Number(text)
  return fail(
    'MALFORMED_TIMESTAMP',
    `${where} is not unix seconds (1 to 10 ASCII digits, no sign or leading zero)`,
    /^[1-9]\d{12}$/.test(text) ? 'it looks like milliseconds' : undefined,
  )
}

/** Enforces the two-sided, inclusive tolerance `|now - T| <= tolerance` (all in seconds). */
export function assertFresh(timestamp: number, nowSeconds: number, tolerance: number): void {
  const age = nowSeconds - timestamp
  if (age > tolerance) fail('TIMESTAMP_TOO_OLD', `timestamp is ${age} s old; tolerance is ${tolerance} s`)
  if (-age > tolerance) {
    fail(
      'TIMESTAMP_TOO_NEW',
      `timestamp is ${-age} s in the future; tolerance is ${tolerance} s`,
      'check the clocks',
    )
  }
}
