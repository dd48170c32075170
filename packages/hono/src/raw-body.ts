import { WebhookVerificationError } from '@ledgerly/webhooks'
import { payloadTooLarge, readBodyWithLimit } from '@ledgerly/webhooks/http'
import type { Context, HonoRequest } from 'hono'
import { type NodeIncoming, nodeServerIncoming, readIncomingBody } from './node-body.js'

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
 * Whether the bytes go back on `c.req.raw` ({@link refillRaw}) once the middleware has read them from it or
 * from Hono's cache: only on `@hono/node-server`, found by its Node request in `c.env` whether or not that
 * was touched. There a handler's `c.req.raw.text()` would otherwise get a used body, and nothing depends on
 * which object `c.req.raw` is (node-server's `getConnInfo()` reads `c.env.incoming.socket`).
 *
 * Everywhere else (Bun, Deno, Workers, `app.request()`) `c.req.raw` stays the very `Request` the runtime
 * gave, its body used: a copy would break what knows the request by identity. Bun's
 * `server.requestIP(request)`, which `getConnInfo(c)` from 'hono/bun' calls with `c.req.raw`, only knows the
 * `Request` Bun created and returns `null` for any other. The handler reads the body with `c.req.json()`,
 * `text()`, `arrayBuffer()` or `blob()`, which Hono's body cache answers with the exact bytes.
 */
function refillsRaw(env: unknown): boolean {
  return nodeServerIncoming(env) !== undefined
}

/**
 * Puts the body back on node-server's `c.req.raw` ({@link refillsRaw}), as Hono's own `bodyLimit()` does:
 * reading the Fetch body used up its one stream, and a handler that calls `c.req.raw.text()` or
 * `.arrayBuffer()`, or passes `c.req.raw` on, must still get the exact bytes. (A GET or HEAD `Request`
 * cannot carry a body; it never had one here.)
 */
function refillRaw(req: HonoRequest, bytes: Uint8Array): void {
  const raw = req.raw
  if (raw.method === 'GET' || raw.method === 'HEAD') return
  const body = bytes as Uint8Array<ArrayBuffer>
  try {
    req.raw = new Request(raw, { body })
  } catch {
    // node-server's lightweight request under `overrideGlobalObjects: false`: the platform's Request does
    // not take it as input (it only looks like a Request), so copy what a webhook handler can use.
    req.raw = new Request(raw.url, { method: raw.method, headers: raw.headers, signal: raw.signal, body })
  }
}

/** Caches `bytes` the way Hono caches what `c.req.arrayBuffer()` read, so `c.req.json()` & co. reuse them. */
function cacheBytes(cache: Record<string, unknown>, bytes: Uint8Array): Uint8Array {
  cache.arrayBuffer = Promise.resolve(exactBuffer(bytes))
  return bytes
}

/** The cache entry holding bytes an earlier middleware read, if any; a text or JSON cache is refused. */
function rawCacheKey(cache: Record<string, unknown>): (typeof RAW_KEYS)[number] | undefined {
  for (const key of RAW_KEYS) if (cache[key] !== undefined) return key
  for (const key in cache) if (cache[key] !== undefined) throw notRaw(`as ${key} by an earlier middleware`)
  return undefined
}

/** The Fetch body, read within the limit; one an earlier middleware consumed from `c.req.raw` is refused. */
function readFetchBody(req: HonoRequest, maxBodyBytes: number): Promise<Uint8Array> {
  if (req.raw.bodyUsed) throw notRaw('from c.req.raw by an earlier middleware')
  return readBodyWithLimit(req.raw.body, req.header('content-length'), maxBodyBytes)
}

/**
 * The request's raw body, read once with the size limit enforced while it streams. Reuses bytes Hono
 * already cached from `arrayBuffer()`/`blob()`; refuses with `PAYLOAD_NOT_RAW` when the body was read as
 * text or JSON. Afterwards these bytes are cached as `arrayBuffer`, so `c.req.json()`, `c.req.text()`,
 * `c.req.arrayBuffer()` and `c.req.blob()` give them again on every runtime. `c.req.raw` carries them only
 * on `@hono/node-server`: built from `incoming.rawBody` when `incoming` was read directly, otherwise
 * replaced by a `Request` with the bytes as its body. On every other runtime `c.req.raw` is left the
 * runtime's own object, with its body used ({@link refillsRaw} says why).
 * `incoming` is Node's request under `@hono/node-server` when nothing has read it yet (see node-body.ts).
 */
export async function readRawBody(
  c: Context,
  maxBodyBytes: number,
  incoming?: NodeIncoming,
): Promise<Uint8Array> {
  const req = c.req
  const cache = req.bodyCache as Record<string, unknown>
  const key = rawCacheKey(cache)
  // On @hono/node-server with the stream untouched, read Node's stream itself: touching req.raw would
  // make node-server build a Fetch Request and a web stream for this one body.
  if (key === undefined && incoming) return cacheBytes(cache, await readIncomingBody(incoming, maxBodyBytes))
  let bytes: Uint8Array
  if (key === undefined) bytes = cacheBytes(cache, await readFetchBody(req, maxBodyBytes))
  else {
    bytes = await cachedBytes(cache, key)
    if (bytes.byteLength > maxBodyBytes) throw payloadTooLarge(maxBodyBytes, bytes.byteLength)
  }
  if (refillsRaw(c.env)) refillRaw(req, bytes)
  return bytes
}
