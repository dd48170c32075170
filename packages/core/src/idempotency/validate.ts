/**
 * Longest key a store accepts. `idempotencyKey` keys are far shorter (long parts are hashed).
 *
 * @example
 * ```ts
 * if (myKey.length > MAX_KEY_LENGTH) myKey = await sha256Hex(myKey)
 * ```
 */
export const MAX_KEY_LENGTH = 1024

/**
 * Longest lease or TTL accepted: 366 days. Longer is almost surely seconds or microseconds mistaken for ms.
 *
 * @example
 * ```ts
 * runOnce(webhook, { store, ttlMs: MAX_DURATION_MS }, handler) // remember for a year, the most allowed
 * ```
 */
export const MAX_DURATION_MS = 366 * 24 * 60 * 60 * 1000

/** Throws a TypeError unless `key` is a non-empty string of at most {@link MAX_KEY_LENGTH} characters. */
export function assertKey(key: unknown, caller: string): asserts key is string {
  if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_LENGTH) {
    throw new TypeError(
      `${caller}: the key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`,
    )
  }
}

/** Throws a RangeError unless `value` is a whole number of milliseconds in 1..{@link MAX_DURATION_MS}. */
export function assertDuration(value: unknown, name: string, caller: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_DURATION_MS) {
    throw new RangeError(
      `${caller}: "${name}" must be a whole number of milliseconds from 1 to ${MAX_DURATION_MS}, got ${String(value)}`,
    )
  }
}

/** Throws a TypeError unless `token` is absent or a non-empty string of at most {@link MAX_KEY_LENGTH} characters. */
export function assertToken(token: unknown, caller: string): asserts token is string | undefined {
  if (token === undefined) return
  if (typeof token !== 'string' || token === '' || token.length > MAX_KEY_LENGTH) {
    throw new TypeError(
      `${caller}: the lease token must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`,
    )
  }
}
