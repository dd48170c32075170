// A plain node:http server bridged to a Fetch handler the way a minimal Node bridge does it:
// `Readable.toWeb(req)` as the Request body, the Response written back whole. Nothing here reads or drains
// the request body on the handler's behalf. Used in-process by tests, and by runtimes/node.ts in a child.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { answerWithFetch } from '@ledgerly/test-support/fetch-bridge'

export type FetchHandler = (request: Request) => Promise<Response>

/** A node:http server (not yet listening) that answers every request with `handle`. */
export function bridgeServer(handle: FetchHandler): Server {
  const server = createServer(function bridge(req, res) {
    const { port } = server.address() as AddressInfo
    answerWithFetch(req, res, port, handle)
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
