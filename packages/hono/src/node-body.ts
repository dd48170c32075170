import { concatInto, type NodeBodyStream, RequestAbortedError, readNodeBody } from '@ledgerly/webhooks/http'

/** What this reads of Node's `IncomingMessage`, which `@hono/node-server` passes as `c.env.incoming`. */
export interface NodeIncoming extends NodeBodyStream {
  rawHeaders: string[]
  readableFlowing: boolean | null
  readableEnded: boolean
  rawBody?: unknown
}

interface BufferLike {
  allocUnsafeSlow(size: number): Uint8Array
  isBuffer(value: unknown): boolean
}

/**
 * Node's request under `@hono/node-server` (`c.env.incoming`, or `c.env.server.incoming`), whether or not
 * anything has touched it; `undefined` on every other runtime (Bun's `c.env` is its server, Deno's its
 * connection info, Workers' the bindings, `app.request()`'s whatever the test passed).
 */
export function nodeServerIncoming(env: unknown): NodeIncoming | undefined {
  if (typeof env !== 'object' || env === null) return undefined
  const bindings = (env as { server?: unknown }).server ?? env
  const incoming = (bindings as { incoming?: unknown }).incoming as NodeIncoming | undefined
  if (typeof incoming !== 'object' || incoming === null || typeof incoming.on !== 'function') return undefined
  return Array.isArray(incoming.rawHeaders) ? incoming : undefined
}

/**
 * Node's request under `@hono/node-server` ({@link nodeServerIncoming}) when nothing has touched its body
 * yet, so the middleware may read it directly; `undefined` on every other runtime, once anything started
 * reading the stream, or once node-server built its Fetch `Request` (see {@link requestNotBuilt}): the body
 * is then read from `c.req.raw`, the one copy everyone else sees.
 */
export function untouchedIncoming(env: unknown, raw: Request): NodeIncoming | undefined {
  const incoming = nodeServerIncoming(env)
  if (!incoming || !nodeBuffer()) return undefined
  // null: nobody has read or piped it (node-server's Request would have, through Readable.toWeb).
  if (incoming.readableFlowing !== null || incoming.readableEnded) return undefined
  return requestNotBuilt(raw, incoming) ? incoming : undefined
}

/**
 * Whether `raw` is node-server's lightweight request for `incoming` and has not built its Fetch `Request`.
 * Anything that reads `c.req.raw.body`, `.signal`, `.bodyUsed`… (Hono's `bodyLimit()`, a logger taking the
 * signal) makes node-server build it once, with a body stream that pulls from Node's stream only when read:
 * the stream still looks untouched, but once we had read it that Request could only give "" or throw, and
 * `incoming.rawBody` comes too late for it. node-server keeps the Node request and the built Request under
 * private symbols (`incomingKey`, `requestCache`), matched here by description: a `c.req.raw` that does not
 * look like that (another server, a replaced request, a future node-server) takes the Fetch path — slower,
 * never wrong.
 */
function requestNotBuilt(raw: Request, incoming: NodeIncoming): boolean {
  let lightweight = false
  for (const key of Object.getOwnPropertySymbols(raw)) {
    const value = (raw as unknown as Record<symbol, unknown>)[key]
    if (key.description === 'requestCache' && value !== undefined) return false
    if (key.description === 'incomingKey' && value === incoming) lightweight = true
  }
  return lightweight
}

/** Node's `Buffer` (node-server runs on Node): what `incoming.rawBody` must be for node-server to use it. */
function nodeBuffer(): BufferLike | undefined {
  return (globalThis as { Buffer?: BufferLike }).Buffer
}

/**
 * Reads node-server's untouched request stream with the core's shared Node reader ({@link readNodeBody}:
 * `Content-Length` refused before reading, a chunked body on the chunk that passes the limit, chunks
 * joined once into a Buffer of its own). The bytes are left as `incoming.rawBody`, which node-server builds its
 * `Request` from when something first touches `c.req.raw` (it had not yet: {@link untouchedIncoming}), so a
 * handler reading the body afterwards (`c.req.raw.text()`, `c.req.json()`…) still gets them.
 */
export function readIncomingBody(incoming: NodeIncoming, limit: number): Promise<Uint8Array> {
  const NodeBuffer = nodeBuffer()!
  return new Promise(function collect(resolve, reject) {
    readNodeBody(
      incoming,
      limit,
      {
        body(bytes) {
          if (NodeBuffer.isBuffer(bytes)) incoming.rawBody = bytes
          resolve(bytes)
        },
        tooLarge: reject,
        // The client went away before the body was complete (Node's stream said so): the same error the
        // Fetch path's reader gives, answered the same way (empty 499, nothing reported).
        aborted: () => reject(new RequestAbortedError()),
      },
      // A Buffer with a block of its own (Buffer.concat would take a small one from Node's shared pool),
      // so the cached arrayBuffer can be the body itself, with nothing else in it.
      (chunks, total) => concatInto(chunks, NodeBuffer.allocUnsafeSlow(total)),
    )
  })
}
