import { concatInto } from '../bytes.js'
import { WebhookVerificationError } from '../errors.js'

/** After a refusal, how much of the rest of an upload is read and dropped before answering, at most. */
const DISCARD_MAX_BYTES = 16 * 1024 * 1024
const DISCARD_MAX_MS = 500

/**
 * Reads and drops the rest of a refused upload, bounded in bytes and time, then cancels the stream. A
 * runtime that closes a connection with unread request bytes makes the kernel send a reset, which can
 * destroy the 413 before the sender reads it (workerd does this); draining first lets the answer arrive.
 * Nothing is kept, so memory stays bounded; every failure is swallowed.
 */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  // A timer that cancels, not Promise.race against a deadline promise: each race would leave a reaction
  // on that promise holding its settled chunk until the deadline, keeping every dropped chunk alive.
  let late = false
  const timer = setTimeout(function stopDraining() {
    late = true
    reader.cancel().catch(() => undefined) // settles the pending read() as done
  }, DISCARD_MAX_MS)
  try {
    let dropped = 0
    while (!late && dropped <= DISCARD_MAX_BYTES) {
      const result = await reader.read()
      if (result.done) break
      dropped += result.value.byteLength
    }
  } catch {
    // The sender went away: nothing left to drain.
  } finally {
    clearTimeout(timer)
    if (!late) reader.cancel().catch(() => undefined)
  }
}

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
 * Reads a Fetch body stream into one byte array, refusing it with `PAYLOAD_TOO_LARGE` as soon as it passes
 * `limit` bytes — before the rest is buffered, with or without `Content-Length`. A `Content-Length` above
 * the limit is refused before reading anything. On refusal the rest of the upload is read and dropped (up
 * to 16 MiB or 500 ms, never kept) before answering, so the sender reads the 413 rather than a reset.
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
  if (contentLength && /^[0-9]+$/.test(contentLength.trim())) {
    const declared = Number(contentLength.trim())
    if (declared > limit) throw payloadTooLarge(limit, declared)
  }
  if (!body) return new Uint8Array(0)
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await discardRest(reader)
      throw payloadTooLarge(limit)
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]!
  return concatInto(chunks, new Uint8Array(total))
}
