import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ProblemResponse } from '@ledgerly/webhooks/http'

/** How long an unread upload is drained (read and dropped) after an early answer, before the socket is cut. */
export const LINGER_MS = 5_000

/**
 * Calls `done` once the rest of the request body has been read and dropped, or after {@link LINGER_MS},
 * whichever comes first. Nothing is kept, so memory stays flat however much the client still sends.
 */
function drainThen(req: IncomingMessage, done: () => void): void {
  let called = false
  function finish(): void {
    if (called) return
    called = true
    clearTimeout(timer)
    done()
  }
  const timer = setTimeout(finish, LINGER_MS)
  // A draining upload must not keep a process that is shutting down alive.
  timer.unref()
  req.once('end', finish)
  req.once('close', finish)
  req.resume()
}

/**
 * Sends a problem answer with Node's own response API, which Express 4 and 5 share (no `res.send`, so no
 * ETag or charset rewriting).
 *
 * When the body was not read to its end (413, or 403 before reading), the answer says `Connection: close`
 * and is written at once — the client can read it while it is still uploading — but the response is only
 * ended, and the socket closed, once the rest of the upload has been drained or {@link LINGER_MS} passed.
 * Closing a socket that still has unread bytes makes the kernel send a reset, and a client still
 * uploading then sees `EPIPE`/`ECONNRESET` instead of the 413 (what a plain `Connection: close` gives on a
 * 50 MiB chunked upload); this is the "lingering close" HTTP servers such as nginx use.
 */
export function sendProblem(req: IncomingMessage, res: ServerResponse, answer: ProblemResponse): void {
  if (res.headersSent || res.writableEnded) {
    // Something downstream already started answering: the only safe move left is to cut the connection.
    res.destroy()
    return
  }
  res.statusCode = answer.status
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value)
  res.setHeader('content-length', Buffer.byteLength(answer.body))
  if (req.readableEnded) {
    res.end(answer.body)
    return
  }
  res.setHeader('connection', 'close')
  res.write(answer.body)
  drainThen(req, () => res.end())
}
