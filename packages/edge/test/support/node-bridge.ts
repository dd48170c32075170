// A plain node:http server bridged to a Fetch handler the way a minimal Node bridge does it:
// `Readable.toWeb(req)` as the Request body, the Response written back whole. Nothing here reads or drains
// the request body on the handler's behalf. Used in-process by tests, and by runtimes/node.ts in a child.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'

export type FetchHandler = (request: Request) => Promise<Response>

function fetchRequestOf(req: IncomingMessage, port: number): Request {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(`http://127.0.0.1:${port}${req.url ?? '/'}`, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    duplex: 'half',
  } as RequestInit)
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer())
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(body)
}

/** A node:http server (not yet listening) that answers every request with `handle`. */
export function bridgeServer(handle: FetchHandler): Server {
  const server = createServer(function bridge(req, res) {
    const { port } = server.address() as AddressInfo
    handle(fetchRequestOf(req, port))
      .then((response) => writeResponse(response, res))
      .catch(() => res.destroy())
  })
  return server
}

/** Serves `handle` on an ephemeral loopback port; resolves with its base URL and a `close()`. */
export function serveFetch(handle: FetchHandler): Promise<{ url: string; close(): Promise<void> }> {
  const server = bridgeServer(handle)
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      })
    })
  })
}
