import type { IncomingMessage } from 'node:http'
import { payloadTooLarge } from '@ledgerly/webhooks/http'

/** The client went away before the body was complete: there is nobody left to answer. */
export class RequestAbortedError extends Error {
  constructor() {
    super('The client closed the connection before the webhook body was complete')
    this.name = 'RequestAbortedError'
  }
}

/** Receives the outcome of a body read: exactly one of the two is called, exactly once. */
export interface BodyCallbacks {
  /** The whole body arrived. */
  body(bytes: Uint8Array): void
  /** It did not: too large, or the client went away ({@link RequestAbortedError}). */
  fail(error: Error): void
}

/** Node has already refused a malformed `Content-Length`; this reads the one it let through. */
function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length']
  if (typeof header !== 'string' || !/^[0-9]+$/.test(header)) return undefined
  return Number(header)
}

/**
 * Reads an unread request stream into one Buffer, refusing it with `PAYLOAD_TOO_LARGE` as early as
 * possible: a `Content-Length` above `limit` is refused before a byte is read, and a chunked body is
 * refused on the chunk that passes `limit`, so at most `limit` bytes plus one chunk are ever held.
 *
 * Chunks are only counted and kept as they arrive; they are joined once, at the end, into a Buffer of the
 * exact size, so no byte is copied twice. On refusal the stream is paused and its listeners removed: the
 * caller answers 413 with `Connection: close`, and Node discards whatever the client still sends until
 * the socket closes.
 *
 * Callbacks, not a Promise: the outcome is handed over inside the stream's own `end` event, as
 * `express.raw()` does, instead of two or three promise hops later — this runs on every webhook request.
 * Plain `on` listeners removed by hand, not `once`, which would wrap each one per request.
 */
export function readRawBody(req: IncomingMessage, limit: number, callbacks: BodyCallbacks): void {
  const declared = declaredLength(req)
  if (declared !== undefined && declared > limit) {
    callbacks.fail(payloadTooLarge(limit, declared))
    return
  }
  let chunks: Buffer[] = []
  let received = 0

  function cleanup(): void {
    req.off('data', onData)
    req.off('end', onEnd)
    req.off('error', onAbort)
    req.off('close', onAbort)
  }
  function onData(chunk: Buffer): void {
    received += chunk.length
    if (received > limit) {
      cleanup()
      chunks = []
      req.pause()
      callbacks.fail(payloadTooLarge(limit))
      return
    }
    chunks.push(chunk)
  }
  function onEnd(): void {
    cleanup()
    callbacks.body(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received))
  }
  function onAbort(): void {
    cleanup()
    chunks = []
    callbacks.fail(new RequestAbortedError())
  }

  req.on('data', onData)
  req.on('end', onEnd)
  req.on('error', onAbort)
  req.on('close', onAbort)
}
