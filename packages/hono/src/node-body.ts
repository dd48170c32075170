import { concatInto, type NodeBodyStream, readNodeBody } from '@ledgerly/webhooks/http'

/**
 * The client went away before the body was complete (Node's stream said so): there is nobody left to
 * answer and nothing to report, as in the Express adapter.
 */
export class RequestAbortedError extends Error {
  constructor() {
    super('The client closed the connection before the webhook body was complete')
    this.name = 'RequestAbortedError'
  }
}

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
 * Node's request under `@hono/node-server` (`c.env.incoming`, or `c.env.server.incoming`), when its body
 * has not been touched yet; `undefined` on every other runtime, or once anything started reading it.
 */
export function untouchedIncoming(env: unknown): NodeIncoming | undefined {
  if (typeof env !== 'object' || env === null) return undefined
  const bindings = (env as { server?: unknown }).server ?? env
  const incoming = (bindings as { incoming?: unknown }).incoming as NodeIncoming | undefined
  if (typeof incoming !== 'object' || incoming === null || typeof incoming.on !== 'function') return undefined
  if (!Array.isArray(incoming.rawHeaders) || !nodeBuffer()) return undefined
  // null: nobody has read or piped it (node-server's Request would have, through Readable.toWeb).
  return incoming.readableFlowing === null && !incoming.readableEnded ? incoming : undefined
}

/** Node's `Buffer` (node-server runs on Node): what `incoming.rawBody` must be for node-server to use it. */
function nodeBuffer(): BufferLike | undefined {
  return (globalThis as { Buffer?: BufferLike }).Buffer
}

/**
 * Reads node-server's untouched request stream with the core's shared Node reader ({@link readNodeBody}:
 * `Content-Length` refused before reading, a chunked body on the chunk that passes the limit, chunks
 * joined once into a Buffer of its own). The bytes are left as `incoming.rawBody`, which node-server honours, so a
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
        aborted: () => reject(new RequestAbortedError()),
      },
      // A Buffer with a block of its own (Buffer.concat would take a small one from Node's shared pool),
      // so the cached arrayBuffer can be the body itself, with nothing else in it.
      (chunks, total) => concatInto(chunks, NodeBuffer.allocUnsafeSlow(total)),
    )
  })
}
