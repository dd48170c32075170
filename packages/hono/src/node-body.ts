import { payloadTooLarge } from '@ledgerly/webhooks/http'

type Listener = (...args: never[]) => void

/** What this reads of Node's `IncomingMessage`, which `@hono/node-server` passes as `c.env.incoming`. */
export interface NodeIncoming {
  rawHeaders: string[]
  headers: Record<string, string | string[] | undefined>
  readableFlowing: boolean | null
  readableEnded: boolean
  rawBody?: unknown
  on(event: string, listener: Listener): unknown
  off(event: string, listener: Listener): unknown
}

interface BufferLike {
  concat(chunks: Uint8Array[], total: number): Uint8Array
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
 * Reads the body straight from Node's stream, skipping the Fetch `Request` node-server would otherwise
 * build for it (a web stream per request). Refuses with `PAYLOAD_TOO_LARGE` before buffering more than
 * `limit` bytes, with or without `Content-Length`; the rest of a refused upload is left flowing with no
 * listener, so Node drops it and the sender still reads the 413. Afterwards the bytes are set as
 * `incoming.rawBody`, which node-server uses if the app later reads `c.req.raw`.
 */
export function readIncomingBody(incoming: NodeIncoming, limit: number): Promise<Uint8Array> {
  const header = incoming.headers['content-length']
  if (typeof header === 'string' && /^[0-9]+$/.test(header) && Number(header) > limit) {
    return Promise.reject(payloadTooLarge(limit, Number(header)))
  }
  const NodeBuffer = nodeBuffer()!
  return new Promise(function collect(resolve, reject) {
    const chunks: Uint8Array[] = []
    let total = 0
    function cleanup() {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onAborted)
      incoming.off('close', onAborted)
    }
    function onData(chunk: Uint8Array) {
      total += chunk.byteLength
      if (total > limit) {
        cleanup()
        chunks.length = 0
        reject(payloadTooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    function onEnd() {
      cleanup()
      const bytes = chunks.length === 1 ? chunks[0]! : NodeBuffer.concat(chunks, total)
      if (NodeBuffer.isBuffer(bytes)) incoming.rawBody = bytes
      resolve(bytes)
    }
    function onAborted() {
      cleanup()
      reject(new Error('the client closed the request before its body was complete'))
    }
    incoming.on('data', onData as Listener)
    incoming.on('end', onEnd)
    incoming.on('error', onAborted)
    incoming.on('close', onAborted)
  })
}
