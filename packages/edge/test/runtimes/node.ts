// A plain node:http server on an ephemeral loopback port, bridged to the Fetch handler the way a minimal
// Node bridge does it: `Readable.toWeb(req)` as the Request body, the Response written back whole.
// Nothing here reads or drains the request body on the handler's behalf. Prints the port for the test.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { handle } from './handler.js'

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

const server = createServer(function bridge(req, res) {
  const { port } = server.address() as AddressInfo
  handle(fetchRequestOf(req, port))
    .then((response) => writeResponse(response, res))
    .catch(() => res.destroy())
})
server.listen(0, '127.0.0.1', () => {
  console.log(`LISTENING ${(server.address() as AddressInfo).port}`)
})
