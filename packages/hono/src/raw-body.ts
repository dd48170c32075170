import { WebhookVerificationError } from '@ledgerly/webhooks'
import { payloadTooLarge, readBodyWithLimit } from '@ledgerly/webhooks/http'
import type { HonoRequest } from 'hono'
import { type NodeIncoming, readIncomingBody } from './node-body.js'

// Hono caches a body it has read under the method that read it. `arrayBuffer` and `blob` are the exact
// bytes; `text` (what `c.req.json()` and `c.req.text()` cache) went through a lossy UTF-8 decode, and
// `json`/`formData`/`parsedBody` are re-serialised values: none of those can be verified.
const RAW_KEYS = ['arrayBuffer', 'blob'] as const

const NOT_RAW_HINT =
  'mount ledgerlyWebhook() before any middleware or validator that calls c.req.json(), c.req.text() or c.req.parseBody() on this route, and read the event from c.get("ledgerly")'

function notRaw(how: string): WebhookVerificationError {
  return new WebhookVerificationError(
    'PAYLOAD_NOT_RAW',
    `The request body was already read ${how}`,
    NOT_RAW_HINT,
  )
}

async function cachedBytes(
  cache: Record<string, unknown>,
  key: (typeof RAW_KEYS)[number],
): Promise<Uint8Array> {
  const value = await cache[key]
  if (value instanceof ArrayBuffer) return new Uint8Array(value)
  if (value instanceof Blob) return new Uint8Array(await value.arrayBuffer())
  throw notRaw(`as ${key}, but the cached value is not bytes`)
}

/**
 * An ArrayBuffer holding exactly `bytes`. A Node Buffer is often a view into a larger block (Node's shared
 * pool, or the socket's read buffer with the request's headers in it), and its `slice()` is a view too:
 * `new Uint8Array(bytes)` copies just the body, so a handler never sees memory beyond it.
 */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = bytes
  if (byteOffset === 0 && byteLength === buffer.byteLength && buffer instanceof ArrayBuffer) return buffer
  return new Uint8Array(bytes).buffer
}

/**
 * The request's raw body, read once with the size limit enforced while it streams. Reuses bytes Hono
 * already cached from `arrayBuffer()`/`blob()`; refuses with `PAYLOAD_NOT_RAW` when the body was read as
 * text or JSON. Afterwards the bytes are cached as `arrayBuffer`, so a later `c.req.json()` still works.
 * `incoming` is Node's request under `@hono/node-server` when nothing has read it yet (see node-body.ts).
 */
export async function readRawBody(
  req: HonoRequest,
  maxBodyBytes: number,
  incoming?: NodeIncoming,
): Promise<Uint8Array> {
  const cache = req.bodyCache as Record<string, unknown>
  for (const key of RAW_KEYS) {
    if (cache[key] === undefined) continue
    const bytes = await cachedBytes(cache, key)
    if (bytes.byteLength > maxBodyBytes) {
      throw payloadTooLarge(maxBodyBytes, bytes.byteLength)
    }
    return bytes
  }
  for (const key in cache) if (cache[key] !== undefined) throw notRaw(`as ${key} by an earlier middleware`)
  // On @hono/node-server with the stream untouched, read Node's stream itself: touching req.raw would
  // make node-server build a Fetch Request and a web stream for this one body.
  if (!incoming && req.raw.bodyUsed) throw notRaw('from c.req.raw by an earlier middleware')
  const bytes = incoming
    ? await readIncomingBody(incoming, maxBodyBytes)
    : await readBodyWithLimit(req.raw.body, req.header('content-length'), maxBodyBytes)
  cache.arrayBuffer = Promise.resolve(exactBuffer(bytes))
  return bytes
}
