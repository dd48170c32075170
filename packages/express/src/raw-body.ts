import { Buffer } from 'node:buffer'
import type { IncomingMessage } from 'node:http'
import { concatInto, RequestAbortedError, readNodeBody } from '@ledgerly/webhooks/http'

/** Receives the outcome of a body read: exactly one of the two is called, exactly once. */
export interface BodyCallbacks {
  /** The whole body arrived. */
  body(bytes: Uint8Array): void
  /** It did not: too large, or the client went away ({@link RequestAbortedError}). */
  fail(error: Error): void
}

/**
 * Reads an unread request stream within `limit` with the core's shared Node reader
 * ({@link readNodeBody}: `Content-Length` refused before reading, a chunked body on the chunk that passes
 * the limit, chunks joined once, the outcome handed over inside the stream's own `end` event). A client
 * that goes away becomes a {@link RequestAbortedError}.
 */
export function readRawBody(req: IncomingMessage, limit: number, callbacks: BodyCallbacks): void {
  readNodeBody(
    req,
    limit,
    {
      body: callbacks.body,
      tooLarge: callbacks.fail,
      aborted: () => callbacks.fail(new RequestAbortedError()),
    },
    // A Buffer with memory of its own: Buffer.concat takes a body under 4 KiB from Node's shared pool, so
    // `raw.buffer` would expose unrelated bytes to code that forwards or decodes it.
    (chunks, total) => concatInto(chunks, Buffer.allocUnsafeSlow(total)),
  )
}
