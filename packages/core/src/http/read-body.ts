import { concatInto } from '../bytes.js'
import { WebhookVerificationError } from '../errors.js'
import { declaredLength } from './content-length.js'
import { drainBody, drainReader } from './drain-body.js'
import { RequestAbortedError } from './request-aborted.js'

/**
 * The `PAYLOAD_TOO_LARGE` error every adapter answers 413 with: the size when it is known (a
 * `Content-Length`, bytes already in hand), "more than" when the limit was passed mid-stream.
 *
 * @example
 * ```ts
 * import { payloadTooLarge } from '@ledgerly/webhooks/http'
 * if (bytes.length > limit) throw payloadTooLarge(limit, bytes.length)
 * ```
 */
export function payloadTooLarge(limit: number, size?: number): WebhookVerificationError {
  const what = size === undefined ? 'more than' : `${size} bytes, more than`
  return new WebhookVerificationError(
    'PAYLOAD_TOO_LARGE',
    `The webhook body is ${what} the ${limit} bytes allowed`,
  )
}

/**
 * The chunks of the whole body, or `undefined` as soon as they pass `limit`. Returning drops every chunk
 * read so far, so none is kept while the rest of a refused upload drains. A failing `read()` is taken as
 * the sender going away mid-body, the way a runtime's own request stream fails (a stream the app wrapped
 * around it, such as a `DecompressionStream`, failing on bad input would read the same): a
 * {@link RequestAbortedError}, its `cause` the stream's error.
 */
async function collectWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limit: number,
): Promise<{ chunks: Uint8Array[]; total: number } | undefined> {
  const chunks: Uint8Array[] = []
  let total = 0
  // One try around the loop, not one per read: no extra await per chunk.
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return { chunks, total }
      total += value.byteLength
      if (total > limit) return undefined
      chunks.push(value)
    }
  } catch (cause) {
    throw new RequestAbortedError({ cause })
  }
}

/**
 * Reads a Fetch body stream into one byte array, refusing it with `PAYLOAD_TOO_LARGE` as soon as it passes
 * `limit` bytes — before the rest is buffered, with or without `Content-Length`. A `Content-Length` above
 * the limit is refused without keeping a byte. Before the refusal, what the sender still sends is read and
 * dropped ({@link drainBody}: up to 16 MiB or 2 s, never kept), so the sender reads the 413 rather than a
 * reset; a body declared or found larger than that is cancelled. A body stream that fails before its end
 * (the sender closed the connection) rejects with a {@link RequestAbortedError}, its `cause` the
 * runtime's error.
 *
 * @example
 * ```ts
 * import { readBodyWithLimit } from '@ledgerly/webhooks/http'
 * const raw = await readBodyWithLimit(request.body, request.headers.get('content-length'), 1024 * 1024)
 * ```
 */
export async function readBodyWithLimit(
  body: ReadableStream<Uint8Array> | null | undefined,
  contentLength: string | null | undefined,
  limit: number,
): Promise<Uint8Array> {
  const declared = declaredLength(contentLength)
  if (declared !== undefined && declared > limit) {
    await drainBody(body, { contentLength: declared })
    throw payloadTooLarge(limit, declared)
  }
  if (!body) return new Uint8Array(0)
  const reader = body.getReader()
  const collected = await collectWithin(reader, limit)
  if (!collected) {
    await drainReader(reader)
    throw payloadTooLarge(limit)
  }
  const { chunks, total } = collected
  if (chunks.length === 1) return chunks[0]!
  return concatInto(chunks, new Uint8Array(total))
}
