/**
 * What the handler gave back, checked: a `Response` is sent; nothing (`undefined` or `null`) is `204 No
 * Content` (a handler whose work is done must not be re-run by every retry for how it said "nothing").
 * Anything else is the handler's bug — a runtime handed it would answer on its own terms (Bun: `200
 * "Welcome to Bun!"`, so the sender counts the event delivered; Deno, workerd: their own 500) — so it is
 * thrown, and answered like any handler failure: 500 `INTERNAL_ERROR`, logged, the idempotency claim
 * released.
 */

/**
 * A Fetch `Response`: this realm's, or one from another realm or fetch implementation (a framework's own
 * copy), recognised by what a runtime uses to send it. A plain `{ status, headers, body }` (what
 * `problemFor()` returns) is not one.
 */
function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<Response>
  return (
    typeof candidate.status === 'number' &&
    typeof candidate.clone === 'function' &&
    typeof candidate.arrayBuffer === 'function' &&
    'body' in candidate &&
    typeof candidate.headers === 'object' &&
    candidate.headers !== null
  )
}

/** The returned value's type for the error message: never the value, which may hold anything. */
function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  const type = typeof value
  if (type === 'object') {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor
      ?.name
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `an object (${name})` : 'an object'
  }
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

/**
 * The answer to send for what the handler returned. Throws a `TypeError` naming what it returned (its type
 * only) when that is neither a `Response` nor nothing.
 */
export function responseOf(returned: unknown): Response {
  if (returned === undefined || returned === null) return new Response(null, { status: 204 })
  if (isResponse(returned)) return returned
  const hint =
    typeof returned === 'object' && returned !== null && 'status' in returned
      ? ' (for a problemFor() answer: new Response(answer.body, answer))'
      : ''
  throw new TypeError(
    `withLedgerlyWebhook: the handler returned ${typeOf(returned)}; it must return a Response, or nothing (undefined or null) for 204${hint}`,
  )
}
