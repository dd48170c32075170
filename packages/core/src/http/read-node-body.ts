import { concatBytes } from '../bytes.js'
import type { WebhookVerificationError } from '../errors.js'
import { payloadTooLarge } from './read-body.js'

/** Chunks below this size are copied together rather than kept one object each. */
const SMALL_CHUNK = 4096
/** The size of one block small chunks are copied into. */
const STAGING_BYTES = 16_384

/** A Node request stream (`http.IncomingMessage`), as far as {@link readNodeBody} uses it (no `node:` import). */
export interface NodeBodyStream {
  readonly headers: Record<string, string | string[] | undefined>
  on(event: 'data' | 'end' | 'error' | 'close', listener: (chunk: Uint8Array) => void): unknown
  off(event: 'data' | 'end' | 'error' | 'close', listener: (chunk: Uint8Array) => void): unknown
  pause(): unknown
}

/** Receives the outcome of {@link readNodeBody}: exactly one of the three is called, exactly once. */
export interface NodeBodyCallbacks {
  /** The whole body arrived: one chunk as it came, or the chunks joined once by `join`. */
  body(bytes: Uint8Array): void
  /** `PAYLOAD_TOO_LARGE`: answer 413. The stream is paused and no longer listened to. */
  tooLarge(error: WebhookVerificationError): void
  /** The client went away before the body was complete: there is nobody left to answer. */
  aborted(): void
}

/**
 * Reads an unread Node request stream within `limit` bytes, the way every Node adapter needs it:
 * - a `Content-Length` above `limit` is refused before a byte is read (Node has already refused a
 *   malformed one);
 * - a chunked body is refused on the chunk that passes `limit`, so at most `limit` bytes plus one chunk are
 *   ever held; the stream is then paused and its listeners removed, and the caller answers 413;
 * - small chunks are copied together as they arrive (Node makes an object of a few hundred bytes for every
 *   chunk of a chunked body, so a body sent one byte per chunk would otherwise cost hundreds of times its
 *   size in memory before the limit is reached);
 * - chunks are joined once, at the end, into a body of the exact size, with `join` (on Node pass a join that
 *   makes a `Buffer` with memory of its own; the default makes a plain `Uint8Array`, as this module touches
 *   no `Buffer`).
 *
 * Callbacks, not a Promise: the outcome is handed over inside the stream's own `end` event (as
 * `express.raw()` does), and plain listeners removed by hand, because this runs on every webhook request.
 *
 * @example
 * ```ts
 * import { concatInto, readNodeBody } from '@ledgerly/webhooks/http'
 *
 * readNodeBody(
 *   req,
 *   1_048_576,
 *   {
 *     body: (bytes) => verifyAndHandle(bytes),
 *     tooLarge: (error) => res.writeHead(413, { connection: 'close' }).end(error.code),
 *     aborted: () => {},
 *   },
 *   // A Buffer with memory of its own (Buffer.concat would take a small body from Node's shared pool).
 *   (chunks, total) => concatInto(chunks, Buffer.allocUnsafeSlow(total)),
 * )
 * ```
 */
export function readNodeBody(
  stream: NodeBodyStream,
  limit: number,
  callbacks: NodeBodyCallbacks,
  join: (chunks: Uint8Array[], total: number) => Uint8Array = concatBytes,
): void {
  const header = stream.headers['content-length']
  if (typeof header === 'string' && /^[0-9]+$/.test(header) && Number(header) > limit) {
    callbacks.tooLarge(payloadTooLarge(limit, Number(header)))
    return
  }
  let chunks: Uint8Array[] = []
  let received = 0
  // Small chunks are copied into `staging` and kept as one part; `copied` says the parts are no longer the
  // stream's own chunks, so even a single part goes through `join`.
  let staging: Uint8Array | undefined
  let staged = 0
  let copied = false

  function flushStaging(): void {
    if (staging === undefined || staged === 0) return
    chunks.push(staging.slice(0, staged))
    staging = undefined
    staged = 0
  }

  function cleanup(): void {
    stream.off('data', onData)
    stream.off('end', onEnd)
    stream.off('error', onAbort)
    stream.off('close', onAbort)
  }
  function onData(chunk: Uint8Array): void {
    received += chunk.byteLength
    if (received > limit) {
      cleanup()
      chunks = []
      staging = undefined
      stream.pause()
      callbacks.tooLarge(payloadTooLarge(limit))
      return
    }
    if (chunk.byteLength >= SMALL_CHUNK) {
      flushStaging()
      chunks.push(chunk)
      return
    }
    copied = true
    if (staging !== undefined && staged + chunk.byteLength > staging.length) flushStaging()
    staging ??= new Uint8Array(STAGING_BYTES)
    staging.set(chunk, staged)
    staged += chunk.byteLength
  }
  function onEnd(): void {
    cleanup()
    flushStaging()
    callbacks.body(chunks.length === 1 && !copied ? chunks[0]! : join(chunks, received))
  }
  function onAbort(): void {
    cleanup()
    chunks = []
    staging = undefined
    callbacks.aborted()
  }

  stream.on('data', onData)
  stream.on('end', onEnd)
  stream.on('error', onAbort)
  stream.on('close', onAbort)
}
