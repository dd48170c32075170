const ABORTED_BRAND = Symbol.for('ledgerly.webhooks.request-aborted-error')

/**
 * The body stream failed before the body was complete: the sender closed the connection mid-upload (Bun
 * reports an `AbortError`, Deno a `BadResource`, workerd "Network connection lost.", Node's stream
 * "aborted"). The runtime's own error is kept as `cause`.
 *
 * Nobody is left to read an answer, and anyone can cause it without a signature, so the Hono and edge
 * adapters answer it with an empty `499` (nginx's "client closed request", for access logs), the Express
 * adapter writes nothing to the closed socket, none calls an `onError` hook, and {@link answerFor} never
 * logs it.
 *
 * @example
 * ```ts
 * import { isRequestAbortedError, readBodyWithLimit } from '@ledgerly/webhooks/http'
 *
 * try {
 *   await readBodyWithLimit(request.body, request.headers.get('content-length'), 1024 * 1024)
 * } catch (error) {
 *   if (isRequestAbortedError(error)) return new Response(null, { status: 499 }) // nobody is listening
 *   throw error
 * }
 * ```
 */
export class RequestAbortedError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The client closed the connection before the webhook body was complete', options)
    this.name = 'RequestAbortedError'
    Object.defineProperty(this, ABORTED_BRAND, { value: true })
  }
}

/**
 * Tells a {@link RequestAbortedError} apart without `instanceof` (two copies of the package may be loaded:
 * an adapter's and the app's).
 *
 * @example
 * ```ts
 * import { isRequestAbortedError, RequestAbortedError } from '@ledgerly/webhooks/http'
 * isRequestAbortedError(new RequestAbortedError()) // true
 * isRequestAbortedError(new DOMException('aborted', 'AbortError')) // false: only the body reader's own
 * ```
 */
export function isRequestAbortedError(error: unknown): error is RequestAbortedError {
  return (
    typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[ABORTED_BRAND] === true
  )
}
