// A minimal node:http → Fetch bridge, as tests need it to serve a Fetch handler (the edge adapter) from a
// real Node server: the Node request as a Fetch `Request` (its stream as the body, nothing read or drained
// on the handler's behalf), and the Fetch `Response` written back whole.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'

/** The Fetch `Request` for a Node request on `127.0.0.1:port`, its headers in wire order (repeats kept). */
function fetchRequestOf(req: IncomingMessage, port: number): Request {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  // A Fetch Request cannot carry a GET or HEAD body: every Fetch runtime passes none.
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(`http://127.0.0.1:${port}${req.url ?? '/'}`, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    duplex: 'half',
  } as RequestInit)
}

/** Writes a Fetch `Response` to a Node response: status, headers, then the whole body. */
async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer())
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(body)
}

/**
 * Answers a Node request with a Fetch handler: the request converted, the response written back. A request
 * Fetch cannot represent (a TRACE, an absolute-form target) gets a bare 400, as a platform would answer it
 * before any handler; a handler that rejects (or a body that fails) gets the connection destroyed.
 *
 * @example
 * ```ts
 * const server = createServer((req, res) => answerWithFetch(req, res, port, (request) => handle(request)))
 * ```
 */
export function answerWithFetch(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  handle: (request: Request) => Promise<Response>,
): void {
  let request: Request
  try {
    request = fetchRequestOf(req, port)
  } catch {
    res.writeHead(400).end()
    return
  }
  handle(request)
    .then((response) => writeResponse(response, res))
    .catch(() => res.destroy())
}
